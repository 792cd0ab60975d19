//! [`Rule::AdminCircleGrant`]: an admin granting credits (`CreditsGranted`) or XP (`XpGranted`) to
//! themself or to their circle.
//!
//! An admin's circle is every member they moved credits to or from with `/pay` (before or after
//! the grant: a kickback counts), and every member of a team they were in, up to the span's end.
//! Grants within the span are judged; one flag per admin and member, citing the grants and the
//! events that put the member in the circle.

use super::{Flag, Rule, Span};
use crate::report::LoggedEvent;
use std::collections::{BTreeMap, BTreeSet};
use studio_schema::money::TeamId;
use studio_schema::teams::Membership;
use studio_schema::{Account, Event, UserId};

/// Who paid whom, and who was in which team, up to the span's end.
#[derive(Default)]
struct Circles {
    /// (smaller, larger) → the `/pay` events between them.
    paid: BTreeMap<(UserId, UserId), Vec<i64>>,
    /// Team → each member who was ever in it, with the event that put them in.
    teams: BTreeMap<TeamId, BTreeMap<UserId, i64>>,
}

impl Circles {
    fn of(history: &[&LoggedEvent]) -> Self {
        let mut c = Self::default();
        for e in history {
            match &e.event {
                Event::CreditsTransferred(t) => {
                    let key = (t.from.min(t.to), t.from.max(t.to));
                    c.paid.entry(key).or_default().push(e.seq);
                }
                Event::TeamCreated(t) => {
                    c.teams
                        .entry(t.team)
                        .or_default()
                        .entry(t.owner)
                        .or_insert(e.seq);
                }
                Event::TeamMembershipChanged(t) if t.change == Membership::Joined => {
                    c.teams
                        .entry(t.team)
                        .or_default()
                        .entry(t.member)
                        .or_insert(e.seq);
                }
                Event::TeamOwnerChanged(t) => {
                    c.teams
                        .entry(t.team)
                        .or_default()
                        .entry(t.to)
                        .or_insert(e.seq);
                }
                _ => {}
            }
        }
        c
    }

    /// Why `member` is in `admin`'s circle (empty when they are not), and the events that show it.
    fn ties(&self, admin: UserId, member: UserId) -> (Vec<String>, Vec<i64>) {
        let (mut why, mut seqs) = (Vec::new(), Vec::new());
        if admin == member {
            why.push("the admin granted themself".to_owned());
            return (why, seqs);
        }
        if let Some(paid) = self.paid.get(&(admin.min(member), admin.max(member))) {
            why.push(format!("they paid each other ({} /pay)", paid.len()));
            seqs.extend(paid);
        }
        for (team, members) in &self.teams {
            if let (Some(a), Some(m)) = (members.get(&admin), members.get(&member)) {
                why.push(format!("both in team {}", team.0));
                seqs.extend([*a, *m]);
            }
        }
        (why, seqs)
    }
}

/// What a grant gave: credits (from the postings) or XP.
fn granted(event: &Event) -> Option<(UserId, UserId, String)> {
    match event {
        Event::CreditsGranted(g) => {
            let credits: i64 = event
                .postings()
                .iter()
                .filter(|p| p.account == Account::Member(g.member))
                .map(|p| p.amount.0)
                .sum();
            Some((g.by, g.member, format!("{credits} credits")))
        }
        Event::XpGranted { member, xp, by, .. } => Some((*by, *member, format!("{xp} XP"))),
        _ => None,
    }
}

pub(super) fn admin_circle_grants(history: &[&LoggedEvent], span: Span) -> Vec<Flag> {
    let circles = Circles::of(history);
    // (admin, member) → what was granted, and the grants' events.
    let mut grants: BTreeMap<(UserId, UserId), (Vec<String>, BTreeSet<i64>)> = BTreeMap::new();
    for e in history.iter().filter(|e| span.contains(e.seq)) {
        if let Some((admin, member, what)) = granted(&e.event) {
            let entry = grants.entry((admin, member)).or_default();
            entry.0.push(what);
            entry.1.insert(e.seq);
        }
    }
    grants
        .into_iter()
        .filter_map(|((admin, member), (what, granted))| {
            let (why, ties) = circles.ties(admin, member);
            (!why.is_empty()).then(|| {
                let members = if admin == member {
                    vec![admin]
                } else {
                    vec![admin, member]
                };
                Flag::new(
                    Rule::AdminCircleGrant,
                    members,
                    granted.into_iter().chain(ties).collect(),
                    format!(
                        "admin {admin} granted member {member} {}: {}",
                        what.join(" and "),
                        why.join("; ")
                    ),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::*;
    use super::super::super::{Period, Span};
    use super::*;

    fn flags(log: Log) -> Vec<Flag> {
        let events = log.events();
        let history: Vec<&LoggedEvent> = events.iter().collect();
        admin_circle_grants(&history, Span::of(&events, Period::default()))
    }

    #[test]
    fn given_an_admin_granting_themself_then_it_is_flagged() {
        let flags = flags(Log::new().at(days(0), grant(ADMIN, ADMIN, 500)));
        assert_eq!(flags.len(), 1, "{flags:#?}");
        assert_eq!(flags[0].members, vec![ADMIN]);
        assert_eq!(flags[0].seqs, vec![1]);
        assert!(flags[0].detail.contains("themself"), "{}", flags[0].detail);
    }

    #[test]
    fn given_a_grant_to_a_member_who_pays_the_admin_back_then_it_is_flagged_with_the_kickback() {
        let flags = flags(
            Log::new()
                .at(days(0), grant(ADMIN, ALICE, 500))
                .at(days(0), grant(ADMIN, BOB, 500))
                .at(days(1), pay(ALICE, ADMIN, 250)),
        );
        assert_eq!(flags.len(), 1, "{flags:#?}");
        assert_eq!(flags[0].members, vec![ADMIN, ALICE]);
        assert_eq!(flags[0].seqs, vec![1, 3], "the grant and the kickback");
    }

    #[test]
    fn given_xp_granted_to_a_team_mate_then_it_is_flagged() {
        let flags = flags(
            Log::new()
                .at(days(0), grant(ADMIN, CAROL, 500))
                .at(days(0), team_created(1, CAROL, 100))
                .at(days(1), team_joined(1, ADMIN))
                .at(days(2), xp_grant(ADMIN, CAROL, 200))
                .at(days(2), xp_grant(ADMIN, DAVE, 200)),
        );
        assert_eq!(flags.len(), 1, "{flags:#?}");
        assert_eq!(flags[0].members, vec![ADMIN, CAROL]);
        assert_eq!(
            flags[0].seqs,
            vec![1, 2, 3, 4],
            "both grants, and the team's events"
        );
        assert!(
            flags[0].detail.contains("both in team 1"),
            "{}",
            flags[0].detail
        );
    }

    #[test]
    fn given_grants_to_members_the_admin_has_no_tie_to_then_nothing_is_flagged() {
        let flags = flags(
            Log::new()
                .at(days(0), grant(ADMIN, ALICE, 500))
                .at(days(0), xp_grant(ADMIN, BOB, 50))
                .at(days(1), pay(ALICE, BOB, 100))
                .at(days(1), team_created(1, ALICE, 100))
                .at(days(1), team_joined(1, BOB)),
        );
        assert!(flags.is_empty(), "{flags:#?}");
    }
}
