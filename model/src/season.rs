//! A guild's season: the one an admin started last, if any. Starting a season resets nothing and
//! deletes nothing: a season's leaderboard counts the XP earned after its `SeasonStarted` in the
//! log, and all-time XP keeps everything.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use studio_schema::{Event, SeasonId, UserId};

/// The season in force in a guild.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Season {
    pub number: SeasonId,
    pub name: String,
    /// The admin who started it.
    pub by: UserId,
    pub started_at: DateTime<Utc>,
}

impl Season {
    /// Folds one event into a guild's current season: a `SeasonStarted` replaces it, anything else
    /// changes nothing.
    pub fn evolve(current: &mut Option<Self>, event: &Event) {
        if let Event::SeasonStarted {
            season,
            name,
            by,
            at,
        } = event
        {
            *current = Some(Self {
                number: *season,
                name: name.clone(),
                by: *by,
                started_at: *at,
            });
        }
    }

    /// The number the season after `current` gets: 1 for a guild's first.
    #[must_use]
    pub fn next(current: Option<&Self>) -> SeasonId {
        SeasonId(current.map_or(1, |s| s.number.0.saturating_add(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started(n: i64, name: &str) -> Event {
        Event::SeasonStarted {
            season: SeasonId(n),
            name: name.into(),
            by: UserId(1),
            at: DateTime::from_timestamp(n * 1000, 0).expect("in range"),
        }
    }

    #[test]
    fn the_last_season_started_is_the_one_in_force_and_others_events_change_nothing() {
        let mut current = None;
        assert_eq!(Season::next(current.as_ref()), SeasonId(1));
        for e in [started(1, "Spring"), started(2, "Summer")] {
            Season::evolve(&mut current, &e);
        }
        Season::evolve(
            &mut current,
            &Event::MemberLeft {
                member: UserId(3),
                at: DateTime::from_timestamp(5000, 0).expect("in range"),
            },
        );
        let season = current.clone().expect("a season");
        assert_eq!(
            (season.number, season.name.as_str()),
            (SeasonId(2), "Summer")
        );
        assert_eq!(Season::next(current.as_ref()), SeasonId(3));
    }
}
