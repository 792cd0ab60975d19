//! The contract of the query views the projector writes and the command service reads: their
//! schema name. Their tables and statements are `studio-views`'; the calendar rules both sides
//! compute live in `studio-model`.

/// The schema holding the live views.
pub const SCHEMA: &str = "views";
