//! A guild's decision state lives in the model, beside its entities, so snapshots of it can be
//! checked by any reader of the log.

pub use studio_model::decision::GuildState;
