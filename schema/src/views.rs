//! The contract of the query views the projector writes and the command service reads: their
//! schema name. The calendar rules both sides compute live in `studio-model`.

/// The schema holding the live views.
pub const SCHEMA: &str = "views";
