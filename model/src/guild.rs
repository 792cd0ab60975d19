//! Every entity of one guild, in memory: what the decider decides on, and what a replay of the
//! log rebuilds.

use crate::Entity;
use crate::account::Balance;
use crate::commission::Commission;
use crate::listing::Listing;
use crate::member::Member;
use crate::profile::{Outreach, Profile};
use crate::purchase::Purchase;
use crate::quest::{Active, QuestLog};
use crate::reputation::{Given, Grant};
use crate::season::Season;
use crate::settings::Settings;
use crate::team::Team;
use crate::tournament::Tournament;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;
use studio_schema::money::TeamId;
use studio_schema::{Account, CommissionId, Credits, Event, ListingId, TournamentId, UserId};

/// One guild's entities, each folded by its own [`Entity::evolve`].
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Guild {
    #[serde(with = "crate::sorted")]
    pub members: HashMap<UserId, Member>,
    #[serde(with = "crate::sorted")]
    pub balances: HashMap<Account, Balance>,
    pub listings: BTreeMap<ListingId, Listing>,
    #[serde(with = "crate::sorted")]
    pub purchases: HashMap<(ListingId, UserId), Purchase>,
    pub commissions: BTreeMap<CommissionId, Commission>,
    pub teams: BTreeMap<TeamId, Team>,
    pub tournaments: BTreeMap<TournamentId, Tournament>,
    #[serde(with = "crate::sorted")]
    pub quests: HashMap<UserId, QuestLog>,
    #[serde(with = "crate::sorted")]
    pub profiles: HashMap<UserId, Profile>,
    #[serde(with = "crate::sorted")]
    pub outreach: HashMap<UserId, Outreach>,
    #[serde(with = "crate::sorted")]
    pub reputation_given: HashMap<UserId, Given>,
    pub settings: Settings,
    /// The season in force, once an admin started one.
    pub season: Option<Season>,
    /// The admin actions undone so far, by the position of their first event.
    pub undone: BTreeSet<i64>,
}

/// A map of entities by key: a `HashMap` or a `BTreeMap`.
trait Slots<E: Entity> {
    fn take(&mut self, key: E::Key) -> Option<E>;
    fn put(&mut self, key: E::Key, entity: E);
}

impl<E: Entity> Slots<E> for HashMap<E::Key, E>
where
    E::Key: Eq + Hash,
{
    fn take(&mut self, key: E::Key) -> Option<E> {
        self.remove(&key)
    }
    fn put(&mut self, key: E::Key, entity: E) {
        self.insert(key, entity);
    }
}

impl<E: Entity> Slots<E> for BTreeMap<E::Key, E> {
    fn take(&mut self, key: E::Key) -> Option<E> {
        self.remove(&key)
    }
    fn put(&mut self, key: E::Key, entity: E) {
        self.insert(key, entity);
    }
}

/// Folds `event` into every entity of kind `E` it touches.
fn fold<E: Entity>(slots: &mut impl Slots<E>, event: &Event) {
    E::keys(event, &mut |key| {
        let mut slot = slots.take(key);
        E::evolve(&mut slot, key, event);
        if let Some(entity) = slot {
            slots.put(key, entity);
        }
    });
}

impl Guild {
    /// Folds one event into every entity it touches.
    pub fn evolve(&mut self, event: &Event) {
        fold::<Member>(&mut self.members, event);
        fold::<Balance>(&mut self.balances, event);
        fold::<Listing>(&mut self.listings, event);
        fold::<Purchase>(&mut self.purchases, event);
        fold::<Commission>(&mut self.commissions, event);
        fold::<Team>(&mut self.teams, event);
        fold::<Tournament>(&mut self.tournaments, event);
        fold::<QuestLog>(&mut self.quests, event);
        fold::<Profile>(&mut self.profiles, event);
        fold::<Outreach>(&mut self.outreach, event);
        fold::<Given>(&mut self.reputation_given, event);
        self.settings.evolve(event);
        Season::evolve(&mut self.season, event);
        if let Event::ActionUndone(undo) = event {
            self.undone.insert(undo.original);
        }
    }

    /// The member, or a member never seen.
    #[must_use]
    pub fn member(&self, id: UserId) -> Member {
        self.members.get(&id).cloned().unwrap_or_default()
    }

    /// An account's balance (0 for one never posted to).
    #[must_use]
    pub fn balance(&self, account: Account) -> Credits {
        self.balances.get(&account).map_or(Credits::ZERO, |b| b.0)
    }

    /// The number the next listing gets.
    #[must_use]
    pub fn next_listing(&self) -> ListingId {
        ListingId(self.listings.keys().next_back().map_or(1, |l| l.0 + 1))
    }

    /// The number the next commission gets.
    #[must_use]
    pub fn next_commission(&self) -> CommissionId {
        CommissionId(self.commissions.keys().next_back().map_or(1, |c| c.0 + 1))
    }

    /// The number the next tournament gets.
    #[must_use]
    pub fn next_tournament(&self) -> TournamentId {
        TournamentId(self.tournaments.keys().next_back().map_or(1, |t| t.0 + 1))
    }

    /// The id the next team gets.
    #[must_use]
    pub fn next_team(&self) -> TeamId {
        TeamId(self.teams.keys().next_back().map_or(1, |t| t.0 + 1))
    }

    /// The member's quest for `day`, if they have one.
    #[must_use]
    pub fn quest_on(&self, member: UserId, day: NaiveDate) -> Option<&Active> {
        self.quests.get(&member).and_then(|q| q.on(day))
    }

    /// The streak the member's claim on `day` makes.
    #[must_use]
    pub fn streak_on(&self, member: UserId, day: NaiveDate) -> u32 {
        self.quests.get(&member).map_or(1, |q| q.streak_on(day))
    }

    /// The reputation `giver` gave on `day` that is still in force.
    pub fn given_on(&self, giver: UserId, day: NaiveDate) -> impl Iterator<Item = &Grant> {
        self.reputation_given
            .get(&giver)
            .into_iter()
            .flat_map(move |g| g.on(day))
    }

    /// Members `from` contacted on `day`.
    pub fn contacted_on(&self, from: UserId, day: NaiveDate) -> impl Iterator<Item = UserId> + '_ {
        self.outreach
            .get(&from)
            .into_iter()
            .flat_map(move |o| o.sent_on(day))
    }

    /// When the member last bought a spotlight.
    #[must_use]
    pub fn last_spotlight(&self, member: UserId) -> Option<DateTime<Utc>> {
        self.outreach.get(&member).and_then(|o| o.last_spotlight)
    }

    /// Whether the member has a profile and is open to work (and to contact).
    #[must_use]
    pub fn open_to_work(&self, member: UserId) -> bool {
        self.profiles.get(&member).is_some_and(|p| p.open_to_work)
    }

    /// A team that exists and is not disbanded.
    #[must_use]
    pub fn active_team(&self, team: TeamId) -> Option<&Team> {
        self.teams.get(&team).filter(|t| !t.disbanded)
    }
}
