//! Everything Studio says to Discord: slash command definitions, `custom_id` formats, rendering of
//! answers, and the REST client.

pub mod boards;
pub mod card;
pub mod client;
pub mod commands;
pub mod custom_id;
pub mod export;
pub mod forms;
pub mod help;
pub mod mentions;
pub mod names;
pub mod outcome;
pub mod paging;
pub mod quests;
pub mod receipts;
pub mod render;
pub mod role_facts;
pub mod shop;
pub mod teams;
pub mod undo;
pub mod uploads;
