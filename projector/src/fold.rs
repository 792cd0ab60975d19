//! The views as a pure fold of events: rows in, events applied, rows out. No I/O.
//!
//! Each row of an entity's table is the model's entity ([`Row::entity`], evolved by
//! `studio_model`'s one fold, the one the decider uses) plus columns only the views keep
//! ([`Row::view`]: counters, times from the log's envelope). The row types, like the tables, are
//! `studio_views`'.
//!
//! [`keys`] names every row a batch reads, the store loads exactly those (absent ones as `None`),
//! [`apply`] folds the batch, and the store writes the rows back. The fold never reads a row that
//! [`keys`] did not name, so the views do not depend on where batches start and end.

mod commissions;
mod ledger;
mod market;
mod members;
mod profiles;
mod quests;
mod seasons;
mod settings;
mod teams;
#[cfg(test)]
mod testing;
mod tournaments;

pub use studio_views::Row;
pub use studio_views::commissions::{CommissionKey, CommissionRow, CommissionView};
pub use studio_views::ledger::{AccountKey, AccountRow, PostingKey, PostingRow};
pub use studio_views::market::{
    ListingKey, ListingRow, ListingView, PurchaseKey, PurchaseRow, PurchaseView, ReviewRow,
    VersionKey, VersionRow,
};
pub use studio_views::members::{
    Adjustment, AdjustmentKey, MemberKey, MemberRow, MemberView, MonthKey, WeekKey,
};
pub use studio_views::profiles::{ProfileKey, ProfileRow};
pub use studio_views::quests::{QuestKey, QuestRow};
pub use studio_views::seasons::{SeasonKey, SeasonRow, SeasonXpKey};
pub use studio_views::settings::SettingsRow;
pub use studio_views::teams::{TeamKey, TeamMemberKey, TeamRow};
pub use studio_views::tournaments::{TournamentKey, TournamentRow};

/// Folds `event` into the row `key` of entity `E` with the model's own evolve; a row the event
/// creates gets `new_view`. Returns the row, if it exists after the event.
fn evolve<'a, E: studio_model::Entity, V>(
    slot: &'a mut Option<Row<E, V>>,
    key: E::Key,
    event: &studio_schema::Event,
    new_view: impl FnOnce() -> V,
) -> Option<&'a mut Row<E, V>> {
    let (mut entity, view) = match slot.take() {
        Some(row) => (Some(row.entity), Some(row.view)),
        None => (None, None),
    };
    E::evolve(&mut entity, key, event);
    *slot = entity.map(|entity| Row {
        entity,
        view: view.unwrap_or_else(new_view),
    });
    slot.as_mut()
}

use std::collections::BTreeMap;
use studio_schema::log::RecordedEvent;

/// The rows a batch touches, keyed as in their tables.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    /// (guild, user) → row; `None` for a member the views do not hold yet.
    pub members: BTreeMap<MemberKey, Option<MemberRow>>,
    /// (guild, week, user) → XP earned that week.
    pub weekly: BTreeMap<WeekKey, i64>,
    /// (guild, month, user) → XP earned that month.
    pub monthly: BTreeMap<MonthKey, i64>,
    /// (guild, season, user) → XP earned in that season *by this batch* (added to the stored
    /// tally: which season an event counts toward is known only as the batch is folded).
    pub seasonal: BTreeMap<SeasonXpKey, i64>,
    /// guild → the season in force; `None` before its first.
    pub seasons: BTreeMap<i64, Option<SeasonRow>>,
    /// Seasons started by this batch (new rows only).
    pub started: BTreeMap<SeasonKey, SeasonRow>,
    /// (guild, seq) → adjustment (new rows only).
    pub adjustments: BTreeMap<AdjustmentKey, Adjustment>,
    /// guild → last seq folded.
    pub guilds: BTreeMap<i64, i64>,
    /// Balances; `None` for an account the views do not hold yet.
    pub accounts: BTreeMap<AccountKey, Option<AccountRow>>,
    /// New ledger lines only.
    pub postings: BTreeMap<PostingKey, PostingRow>,
    pub listings: BTreeMap<ListingKey, Option<ListingRow>>,
    /// New (or republished) versions only.
    pub versions: BTreeMap<VersionKey, VersionRow>,
    pub purchases: BTreeMap<PurchaseKey, Option<PurchaseRow>>,
    pub reviews: BTreeMap<PurchaseKey, Option<ReviewRow>>,
    pub commissions: BTreeMap<CommissionKey, Option<CommissionRow>>,
    pub tournaments: BTreeMap<TournamentKey, Option<TournamentRow>>,
    /// The profiles as last saved.
    pub profiles: BTreeMap<ProfileKey, Option<ProfileRow>>,
    /// Each member's quests.
    pub quests: BTreeMap<QuestKey, Option<QuestRow>>,
    /// guild → its settings.
    pub settings: BTreeMap<i64, Option<SettingsRow>>,
    pub teams: BTreeMap<TeamKey, Option<TeamRow>>,
    /// In the team (`true`) or gone from it (`false`), as of this batch.
    pub team_members: BTreeMap<TeamMemberKey, bool>,
}

/// The keys of the existing rows a batch reads, sorted and without duplicates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    pub members: Vec<MemberKey>,
    pub weekly: Vec<WeekKey>,
    pub monthly: Vec<MonthKey>,
    /// Guilds whose season in force the batch reads.
    pub seasons: Vec<i64>,
    pub accounts: Vec<AccountKey>,
    pub listings: Vec<ListingKey>,
    pub purchases: Vec<PurchaseKey>,
    pub reviews: Vec<PurchaseKey>,
    pub commissions: Vec<CommissionKey>,
    pub tournaments: Vec<TournamentKey>,
    pub teams: Vec<TeamKey>,
    pub profiles: Vec<ProfileKey>,
    pub quests: Vec<QuestKey>,
    pub settings: Vec<i64>,
}

/// The keys whose current rows a batch needs before folding.
#[must_use]
pub fn keys(events: &[RecordedEvent]) -> Keys {
    let mut keys = Keys::default();
    for e in events {
        members::keys(e, &mut keys);
        ledger::keys(e, &mut keys);
        market::keys(e, &mut keys);
        commissions::keys(e, &mut keys);
        tournaments::keys(e, &mut keys);
        profiles::keys(e, &mut keys);
        quests::keys(e, &mut keys);
        settings::keys(e, &mut keys);
        teams::keys(e, &mut keys);
        seasons::keys(e, &mut keys);
    }
    fn tidy<T: Ord>(v: &mut Vec<T>) {
        v.sort_unstable();
        v.dedup();
    }
    tidy(&mut keys.members);
    tidy(&mut keys.weekly);
    tidy(&mut keys.monthly);
    tidy(&mut keys.seasons);
    tidy(&mut keys.accounts);
    tidy(&mut keys.listings);
    tidy(&mut keys.purchases);
    tidy(&mut keys.reviews);
    tidy(&mut keys.commissions);
    tidy(&mut keys.tournaments);
    tidy(&mut keys.teams);
    tidy(&mut keys.profiles);
    tidy(&mut keys.quests);
    tidy(&mut keys.settings);
    keys
}

impl Rows {
    /// Empty rows for `keys`: every key present, as `None` (the store fills in what it finds).
    #[must_use]
    pub fn absent(keys: &Keys) -> Self {
        fn none<K: Ord + Clone, V>(keys: &[K]) -> BTreeMap<K, Option<V>> {
            keys.iter().map(|k| (k.clone(), None)).collect()
        }
        Self {
            members: none(&keys.members),
            accounts: none(&keys.accounts),
            listings: none(&keys.listings),
            purchases: none(&keys.purchases),
            reviews: none(&keys.reviews),
            commissions: none(&keys.commissions),
            tournaments: none(&keys.tournaments),
            teams: none(&keys.teams),
            profiles: none(&keys.profiles),
            quests: none(&keys.quests),
            settings: none(&keys.settings),
            seasons: none(&keys.seasons),
            ..Self::default()
        }
    }
}

/// Folds one event into the rows.
pub fn apply(rows: &mut Rows, e: &RecordedEvent) {
    rows.guilds.insert(e.guild_id.0, e.guild_seq);
    members::apply(rows, e);
    market::apply(rows, e);
    // After the market (a listing's title describes its sale) and before the commissions (whose
    // escrow is the escrow account's balance).
    ledger::apply(rows, e);
    commissions::apply(rows, e);
    tournaments::apply(rows, e);
    profiles::apply(rows, e);
    quests::apply(rows, e);
    settings::apply(rows, e);
    teams::apply(rows, e);
    seasons::apply(rows, e);
}
