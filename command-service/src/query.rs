//! What a read-only interaction asks to see: read once, at intake, from a slash command's options or
//! a button's custom id, and answered from the projector's views when its outbox row is sent.
//!
//! A query changes nothing; everything it names is looked up again when it is answered.

use crate::discord::custom_id::{Period, ProfileTab, ShopTab};
use serde::{Deserialize, Serialize};
use studio_schema::{ListingId, UserId};

/// A view or a form to show the member who asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "query", rename_all = "snake_case")]
pub enum Query {
    /// A board with buttons: opened by a slash command (`update` false: a new message), or moved
    /// by one of its buttons (`update` true: the clicked message changes).
    Board { board: Board, update: bool },
    /// A form to fill in.
    Form { form: Opening },
    /// `/balance`: the member's wallet and latest entries.
    Statement { member: UserId },
    /// `/help`: every command, or the one named.
    Help { command: Option<String> },
    /// `/tournament list`.
    Tournaments,
    /// `/commission list`: the member's commissions.
    Commissions { member: UserId },
    /// `/market disputes`, for an admin (the intake checked the Manage Server permission).
    Disputes,
    /// `/settings … preview:true`, for an admin (the intake checked the Manage Server permission):
    /// what the change would change now, from the log; nothing is written.
    Preview {
        change: Box<studio_schema::settings::SettingsChange>,
    },
    /// A purchase's code, delivered again to `owner`.
    Code { listing: ListingId, owner: UserId },
    /// `/export me`: the member's own data as a file.
    ExportMine { member: UserId },
    /// `/export guild`, for an admin (the intake checked the Manage Server permission): every
    /// member's XP as CSV.
    ExportGuild,
}

/// The boards: `owner` is the member who opened it, the only one whose clicks move it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "board", rename_all = "snake_case")]
pub enum Board {
    /// `tab` of `target`'s profile.
    Profile {
        tab: ProfileTab,
        target: UserId,
        owner: UserId,
        /// The target's name as the interaction showed it, for the rank card (`None`: not shown).
        name: Option<String>,
    },
    /// `page` (from 0) of the `period` leaderboard.
    Leaderboard {
        period: Period,
        page: u32,
        owner: UserId,
    },
    /// `page` of a `/shop` tab; the marketplace may be filtered by `language`.
    Shop {
        tab: ShopTab,
        page: u32,
        owner: UserId,
        language: Option<String>,
    },
    /// `page` of `/find` for the role at `role` in the rules' list and `min_years`.
    Find {
        role: u8,
        min_years: u8,
        page: u32,
        owner: UserId,
    },
    /// `/teams`: the member's teams (`browse` false) or every active team.
    Teams {
        browse: bool,
        page: u32,
        owner: UserId,
    },
}

/// The forms Studio opens; what they name is checked against the views first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Opening {
    /// `/sell`: a new listing.
    Sell,
    /// One's listing, to edit.
    Edit { listing: ListingId, owner: UserId },
    /// A review of a purchase.
    Review { listing: ListingId, owner: UserId },
    /// A dispute of a purchase.
    Dispute { listing: ListingId, owner: UserId },
    /// One's profile.
    Profile { owner: UserId },
    /// A message to `member`, found with `/find`.
    Contact { member: UserId },
    /// A new team.
    Team,
}
