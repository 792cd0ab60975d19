//! `seasons`: the seasons each guild started, and the one in force, which the members' fold reads
//! to count season XP.

use super::{Keys, Rows, SeasonRow};
use studio_model::season::Season;
use studio_schema::Event;
use studio_schema::log::RecordedEvent;

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    if let Event::SeasonStarted { .. } = e.event {
        keys.seasons.push(e.guild_id.0);
    }
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    let Event::SeasonStarted { .. } = e.event else {
        return;
    };
    let slot = rows.seasons.entry(e.guild_id.0).or_insert(None);
    let mut season = slot.take().map(|row| row.season);
    Season::evolve(&mut season, &e.event);
    *slot = season.map(|season| SeasonRow {
        season,
        started_seq: e.guild_seq,
    });
    if let Some(row) = slot {
        rows.started
            .insert((e.guild_id.0, row.season.number.0), row.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, recorded};
    use super::super::{Rows, apply, keys};
    use studio_model::calendar::month_start;
    use studio_schema::{ChannelId, Event, MessageId, SeasonId, UserId, Xp};

    fn post(seq: i64) -> Event {
        Event::MessagePosted {
            member: UserId(7),
            channel: ChannelId(2),
            message: MessageId(seq),
            xp: Xp(5),
            posted_at: at(seq * 100),
        }
    }

    fn season(n: i64, name: &str) -> Event {
        Event::SeasonStarted {
            season: SeasonId(n),
            name: name.into(),
            by: UserId(1),
            at: at(0),
        }
    }

    #[test]
    fn a_season_counts_the_xp_after_its_start_in_the_log_and_resets_nothing() {
        let events = [
            recorded(1, post(1)),
            recorded(2, season(1, "Spring")),
            recorded(3, post(3)),
            recorded(
                4,
                Event::XpGranted {
                    member: UserId(7),
                    xp: Xp(20),
                    reason: "demo".into(),
                    by: UserId(1),
                },
            ),
            recorded(5, season(2, "Summer")),
            recorded(6, post(6)),
        ];
        let k = keys(&events);
        assert_eq!(
            k.seasons,
            vec![1],
            "the batch reads guild 1's season in force"
        );
        let mut rows = Rows::absent(&k);
        for e in &events {
            apply(&mut rows, e);
        }
        let member = rows.members[&(1, 7)].clone().expect("member");
        assert_eq!(member.entity.xp, Xp(35), "all time keeps everything");
        assert_eq!(rows.seasonal.get(&(1, 1, 7)), Some(&25));
        assert_eq!(rows.seasonal.get(&(1, 2, 7)), Some(&5));
        assert_eq!(rows.monthly[&(1, month_start(at(0)), 7)], 35);
        let current = rows.seasons[&1].clone().expect("a season in force");
        assert_eq!(
            (current.season.number, current.started_seq),
            (SeasonId(2), 5)
        );
        assert_eq!(
            rows.started.keys().copied().collect::<Vec<_>>(),
            vec![(1, 1), (1, 2)]
        );
    }

    #[test]
    fn xp_before_any_season_counts_toward_none() {
        let events = [recorded(1, post(1))];
        let mut rows = Rows::absent(&keys(&events));
        apply(&mut rows, &events[0]);
        assert!(rows.seasonal.is_empty());
        assert!(rows.started.is_empty());
    }
}
