//! The views as a pure fold of events: rows in, events applied, rows out. No I/O.
//!
//! Each row of an entity's table is the model's entity ([`Row::entity`], evolved by
//! `studio_model`'s one fold, the one the decider uses) plus columns only the views keep
//! ([`Row::view`]: counters, times from the log's envelope). The row types, like the tables, are
//! `studio_views`'.
//!
//! [`keys`] names every row a batch reads, the store loads those it does not hold from the batch
//! before (absent ones as `None`), [`apply`] folds the batch, and the store writes the rows back. The fold never reads a row that
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

    /// The keys of `keys` whose rows these rows do not hold.
    #[must_use]
    pub fn missing(&self, keys: &Keys) -> Keys {
        fn not_in<K: Ord + Clone, V>(keys: &[K], held: &BTreeMap<K, V>) -> Vec<K> {
            keys.iter()
                .filter(|k| !held.contains_key(k))
                .cloned()
                .collect()
        }
        Keys {
            members: not_in(&keys.members, &self.members),
            weekly: not_in(&keys.weekly, &self.weekly),
            monthly: not_in(&keys.monthly, &self.monthly),
            seasons: not_in(&keys.seasons, &self.seasons),
            accounts: not_in(&keys.accounts, &self.accounts),
            listings: not_in(&keys.listings, &self.listings),
            purchases: not_in(&keys.purchases, &self.purchases),
            reviews: not_in(&keys.reviews, &self.reviews),
            commissions: not_in(&keys.commissions, &self.commissions),
            tournaments: not_in(&keys.tournaments, &self.tournaments),
            teams: not_in(&keys.teams, &self.teams),
            profiles: not_in(&keys.profiles, &self.profiles),
            quests: not_in(&keys.quests, &self.quests),
            settings: not_in(&keys.settings, &self.settings),
        }
    }

    /// Moves the rows these rows hold for `keys` out, into rows of their own (the rows a batch
    /// reads, of which some are held).
    pub fn take(&mut self, keys: &Keys) -> Rows {
        fn out<K: Ord + Clone, V>(keys: &[K], held: &mut BTreeMap<K, V>) -> BTreeMap<K, V> {
            keys.iter().filter_map(|k| held.remove_entry(k)).collect()
        }
        Rows {
            members: out(&keys.members, &mut self.members),
            weekly: out(&keys.weekly, &mut self.weekly),
            monthly: out(&keys.monthly, &mut self.monthly),
            seasons: out(&keys.seasons, &mut self.seasons),
            accounts: out(&keys.accounts, &mut self.accounts),
            listings: out(&keys.listings, &mut self.listings),
            purchases: out(&keys.purchases, &mut self.purchases),
            reviews: out(&keys.reviews, &mut self.reviews),
            commissions: out(&keys.commissions, &mut self.commissions),
            tournaments: out(&keys.tournaments, &mut self.tournaments),
            teams: out(&keys.teams, &mut self.teams),
            profiles: out(&keys.profiles, &mut self.profiles),
            quests: out(&keys.quests, &mut self.quests),
            settings: out(&keys.settings, &mut self.settings),
            ..Rows::default()
        }
    }

    /// Moves the rows a batch reads (the tables [`Keys`] names) from `other` into these, replacing
    /// any these hold for the same keys; the rows only a batch writes stay in `other`.
    pub fn take_in(&mut self, other: &mut Rows) {
        self.members.append(&mut other.members);
        self.weekly.append(&mut other.weekly);
        self.monthly.append(&mut other.monthly);
        self.seasons.append(&mut other.seasons);
        self.accounts.append(&mut other.accounts);
        self.listings.append(&mut other.listings);
        self.purchases.append(&mut other.purchases);
        self.reviews.append(&mut other.reviews);
        self.commissions.append(&mut other.commissions);
        self.tournaments.append(&mut other.tournaments);
        self.teams.append(&mut other.teams);
        self.profiles.append(&mut other.profiles);
        self.quests.append(&mut other.quests);
        self.settings.append(&mut other.settings);
    }

    /// How many rows these are, over every table.
    #[must_use]
    pub fn count(&self) -> usize {
        self.members.len()
            + self.weekly.len()
            + self.monthly.len()
            + self.seasonal.len()
            + self.seasons.len()
            + self.started.len()
            + self.adjustments.len()
            + self.accounts.len()
            + self.postings.len()
            + self.listings.len()
            + self.versions.len()
            + self.purchases.len()
            + self.reviews.len()
            + self.commissions.len()
            + self.tournaments.len()
            + self.profiles.len()
            + self.quests.len()
            + self.settings.len()
            + self.teams.len()
            + self.team_members.len()
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

#[cfg(test)]
mod tests {
    use super::{Keys, Rows};

    #[test]
    fn a_batch_takes_the_rows_held_and_is_told_which_to_load() {
        let mut held = Rows::default();
        held.members.insert((1, 1), None);
        held.members.insert((1, 2), None);
        held.settings.insert(1, None);
        held.weekly.insert((1, chrono::NaiveDate::MIN, 2), 40);
        let keys = Keys {
            members: vec![(1, 2), (1, 3)],
            settings: vec![1],
            ..Keys::default()
        };

        let missing = held.missing(&keys);
        assert_eq!(
            missing,
            Keys {
                members: vec![(1, 3)],
                ..Keys::default()
            }
        );
        let mut batch = held.take(&keys);
        assert_eq!(batch.members.keys().collect::<Vec<_>>(), [&(1, 2)]);
        assert_eq!(batch.settings.keys().collect::<Vec<_>>(), [&1]);
        assert_eq!(held.members.keys().collect::<Vec<_>>(), [&(1, 1)]);
        assert!(held.settings.is_empty());
        assert_eq!(
            held.weekly.len(),
            1,
            "rows the batch does not read stay held"
        );

        // Back after the batch: what it read, as it left them; what it only wrote stays with it.
        batch.weekly.insert((1, chrono::NaiveDate::MIN, 2), 47);
        batch.guilds.insert(1, 9);
        held.take_in(&mut batch);
        assert_eq!(held.members.len(), 2);
        assert_eq!(held.settings.len(), 1);
        assert_eq!(held.weekly.values().collect::<Vec<_>>(), [&47]);
        assert!(held.guilds.is_empty());
        assert_eq!(batch.guilds.len(), 1);
        assert_eq!(held.count(), 4);
    }
}
