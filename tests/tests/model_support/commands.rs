//! Random scenarios of commands: every feature, five members (the first an admin), races.

use super::Scratch;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use command_service::domain::{
    Command, Commission, Draft, GuildState, Market, Resolution, SeenMember, TeamCmd, TournamentCmd,
    decide, due,
};
use proptest::prelude::*;
use studio_schema::log::AppendError;
use studio_schema::money::TeamId;
use studio_schema::settings::SettingsChange;
use studio_schema::{ChannelId, CommissionId, ListingId, MessageId, TournamentId, UserId};

/// One step: how long after the previous one, which command (and its numbers), and whether the
/// next step races it (decided on the same state).
#[derive(Clone, Debug)]
pub struct Step {
    pub minutes: u16,
    pub kind: u8,
    pub a: u8,
    pub b: u8,
    pub c: u16,
    pub race: bool,
}

/// A scenario and the projector's batch size for it.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub steps: Vec<Step>,
    pub batch: i64,
}

const KINDS: u8 = 53;

pub fn scenario() -> impl Strategy<Value = Scenario> {
    let step = (
        0u16..600,
        0..KINDS,
        any::<u8>(),
        any::<u8>(),
        any::<u16>(),
        0u8..8,
    )
        .prop_map(|(minutes, kind, a, b, c, race)| Step {
            minutes,
            kind,
            a,
            b,
            c,
            race: race == 0,
        });
    (prop::collection::vec(step, 1..80), 1i64..40)
        .prop_map(|(steps, batch)| Scenario { steps, batch })
}

const ADMIN: UserId = UserId(1);

fn member(n: u8) -> UserId {
    UserId(i64::from(n % 5) + 1)
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
        .single()
        .expect("a valid time")
}

fn seen(member: UserId, at: DateTime<Utc>) -> SeenMember {
    SeenMember {
        member,
        joined_at: at,
        bot: false,
    }
}

/// The command a step stands for, given what the guild holds now.
#[allow(clippy::too_many_lines)]
fn command(s: &GuildState, step: &Step, now: DateTime<Utc>, n: i64) -> Command {
    let (a, b, c) = (member(step.a), member(step.b), step.c);
    let c64 = i64::from(c);
    let listing = ListingId(i64::from(step.b % 3) + 1);
    let seller = s.listings.get(&listing).map_or(a, |l| l.seller);
    let commission = CommissionId(i64::from(step.b % 2) + 1);
    let (client, developer) = s
        .commissions
        .get(&commission)
        .map_or((a, b), |c| (c.client, c.developer));
    let team = TeamId(i64::from(step.b % 2) + 1);
    let owner = s.teams.get(&team).map_or(a, |t| t.owner);
    let tournament = TournamentId(i64::from(step.b % 2) + 1);
    let text = |what: &str| format!("{what} {c}");
    match step.kind {
        0 => Command::PostMessage {
            author: seen(a, now),
            roles: Vec::new(),
            channel: ChannelId(10 + i64::from(step.b % 2)),
            message: MessageId(1_000_000 + n),
            content_chars: if c % 4 == 0 { 2 } else { 20 },
            posted_at: now,
        },
        1 => Command::AdjustXp {
            actor: ADMIN,
            actor_can_manage_guild: true,
            member: a,
            member_is_bot: false,
            amount: c64 % 200 + 1,
            give: !step.b.is_multiple_of(3),
            reason: text("xp"),
        },
        2 => Command::AdjustCredits {
            actor: ADMIN,
            actor_can_manage_guild: true,
            member: a,
            member_is_bot: false,
            amount: c64 % 500 + 1,
            grant: !step.b.is_multiple_of(4),
            reason: text("credits"),
        },
        3 => Command::Pay {
            from: a,
            to: b,
            to_is_bot: false,
            amount: c64 % 300 + 1,
            note: Some(text("thanks")),
        },
        4 => Command::Market(Market::Publish {
            seller: a,
            listing: step.b.is_multiple_of(2).then_some(listing),
            draft: Draft {
                title: text("tool"),
                description: "a tool".into(),
                language: "rust".into(),
                price: (c % 200 + 1).to_string(),
                code: text("fn main() {}"),
            },
        }),
        5 => Command::Market(Market::Buy {
            buyer: a,
            listing,
            version: s.listings.get(&listing).map_or(1, |l| l.version),
        }),
        6 => Command::Market(Market::Review {
            reviewer: a,
            listing,
            stars: (c % 5 + 1).to_string(),
            text: text("review"),
        }),
        7 => Command::Market(Market::Refund {
            seller,
            listing,
            buyer: a,
            reason: text("refund"),
        }),
        8 => Command::Market(Market::Dispute {
            buyer: a,
            listing,
            reason: text("broken"),
        }),
        9 => Command::Market(Market::Resolve {
            actor: ADMIN,
            actor_can_manage_guild: true,
            listing,
            buyer: a,
            refund: c % 2 == 0,
            note: text("resolved"),
        }),
        10 => Command::Market(Market::Feature {
            seller,
            listing,
            days: c64 % 3 + 1,
        }),
        11 => Command::Market(Market::Delist {
            actor: seller,
            listing,
        }),
        12 => Command::Commission(Commission::Offer {
            client: a,
            developer: b,
            developer_is_bot: false,
            amount: c64 % 300 + 10,
            description: text("a shader"),
            deadline_days: c64 % 5 + 1,
            deadline_day: chrono::TimeDelta::days(1),
        }),
        13 => Command::Commission(Commission::Accept {
            developer,
            commission,
        }),
        14 => Command::Commission(Commission::Fund { client, commission }),
        15 => Command::Commission(Commission::Milestone {
            client,
            commission,
            amount: c64 % 50 + 1,
            note: text("half"),
        }),
        16 => Command::Commission(Commission::Deliver {
            developer,
            commission,
            review_window: TimeDelta::hours(i64::from(c % 30) + 1),
        }),
        17 => Command::Commission(Commission::Release { client, commission }),
        18 => Command::Commission(Commission::Cancel {
            actor: if c % 2 == 0 { client } else { developer },
            commission,
        }),
        19 => Command::Commission(Commission::Dispute {
            actor: if c % 2 == 0 { client } else { developer },
            commission,
            reason: text("late"),
        }),
        20 => Command::Commission(Commission::Resolve {
            actor: ADMIN,
            actor_can_manage_guild: true,
            commission,
            resolution: match c % 3 {
                0 => Resolution::Release,
                1 => Resolution::Refund,
                _ => Resolution::Split(c64 % 101),
            },
        }),
        21 => Command::Commission(Commission::AutoRelease { commission }),
        22 => Command::Tournament(TournamentCmd::Create {
            actor: ADMIN,
            actor_can_manage_guild: true,
            name: text("jam"),
            prize: 500 + c64 % 500,
            from_treasury: c % 2 == 0,
            days: c64 % 3 + 1,
        }),
        23 => Command::Tournament(TournamentCmd::Enter {
            member: a,
            tournament,
        }),
        24 => Command::Tournament(TournamentCmd::Results {
            actor: ADMIN,
            actor_can_manage_guild: true,
            tournament,
            placings: vec![a, b],
        }),
        25 => Command::Tournament(TournamentCmd::Cancel {
            actor: ADMIN,
            actor_can_manage_guild: true,
            tournament,
        }),
        26 => Command::Team(TeamCmd::Create {
            owner: a,
            name: text("team"),
            description: "we make games".into(),
            open: if c % 2 == 0 { "yes" } else { "no" }.into(),
        }),
        27 => Command::Team(TeamCmd::Join { member: a, team }),
        28 => Command::Team(TeamCmd::Invite {
            actor: owner,
            team,
            member: a,
        }),
        29 => Command::Team(TeamCmd::Answer {
            actor: if c % 2 == 0 { a } else { owner },
            team,
            member: a,
            accept: c % 3 != 0,
        }),
        30 => Command::Team(TeamCmd::Leave { member: a, team }),
        31 => Command::Team(TeamCmd::Kick {
            actor: owner,
            team,
            member: a,
        }),
        32 => Command::Team(TeamCmd::Transfer {
            actor: owner,
            team,
            to: a,
        }),
        33 => Command::Team(TeamCmd::Disband { actor: owner, team }),
        34 => Command::Team(TeamCmd::Deposit {
            member: a,
            team,
            amount: c64 % 200 + 1,
        }),
        35 => Command::Team(TeamCmd::Pay {
            actor: owner,
            team,
            member: a,
            amount: c64 % 100 + 1,
            memo: text("pay"),
        }),
        36 => Command::Team(TeamCmd::Spend {
            actor: owner,
            team,
            amount: c64 % 100 + 1,
            memo: text("assets"),
        }),
        37 => Command::Team(TeamCmd::AddMilestone {
            actor: owner,
            team,
            title: text("alpha"),
            reward: c64 % 20,
        }),
        38 => Command::Team(TeamCmd::CompleteMilestone {
            actor: owner,
            team,
            milestone: u32::from(c % 2) + 1,
        }),
        39 => Command::Team(TeamCmd::ReopenMilestone {
            actor: owner,
            team,
            milestone: u32::from(c % 2) + 1,
        }),
        40 => Command::GiveRep {
            giver: a,
            receiver: b,
            receiver_is_bot: false,
            at: now,
            message: Some(MessageId(1_000_000 + i64::from(c % 8))),
            reason: None,
        },
        41 => Command::React {
            added: c % 3 != 0,
            giver: a,
            author: Some(b),
            message: MessageId(1_000_000 + i64::from(c % 8)),
            emoji: "⭐".into(),
            at: now,
        },
        42 => Command::PurgeRep {
            actor: ADMIN,
            actor_can_manage_guild: true,
            giver: a,
            reason: text("rings"),
        },
        43 => Command::SetProfile {
            member: a,
            role: "Programmer".into(),
            years: (c % 20).to_string(),
            skills: text("rust"),
            links: String::new(),
            open: if c % 2 == 0 { "yes" } else { "no" }.into(),
        },
        44 => Command::Contact {
            from: a,
            to: b,
            message: text("hello"),
            at: now,
        },
        45 => Command::Daily {
            member: a,
            at: now,
            roll: u64::from(c),
        },
        46 => Command::ClaimQuest { member: a, at: now },
        47 => Command::Spotlight {
            member: a,
            text: text("my game"),
            at: now,
        },
        48 => Command::ChangeSettings {
            actor: ADMIN,
            actor_can_manage_guild: true,
            change: Box::new(settings_change(c)),
            // None of these changes touches a role.
            role_facts: None,
        },
        49 => Command::RecordLeave { member: a, at: now },
        50 => Command::RecordJoin(seen(a, now)),
        51 => Command::StartSeason {
            actor: ADMIN,
            actor_can_manage_guild: true,
            name: text("jam season"),
        },
        _ => Command::SeeMembers(vec![seen(a, now), seen(b, now)]),
    }
}

fn settings_change(c: u16) -> SettingsChange {
    let v = i64::from(c);
    let mut change = SettingsChange::default();
    match c % 7 {
        0 => change.beginners_may_sell = Some(c.is_multiple_of(2)),
        1 => change.message_xp = Some(v % 30 + 1),
        2 => change.tax_percent = Some([v % 50, 10, 5, 0]),
        3 => change.quest_rewards = Some([v % 100, 100, 150]),
        4 => change.rank_months = Some([0, 1 + v % 3, 4 + v % 3]),
        5 => change.team_fee = Some(v % 500),
        _ => change.xp_cooldown_secs = Some(v % 120),
    }
    change
}

impl Scratch {
    /// Decides and appends a scenario, then checks the decider, the views and a replay agree.
    pub async fn check_commands(&self, scenario: &Scenario) -> Result<(), String> {
        let mut state = GuildState::new(self.guild());
        let mut now = start();
        let joined = now - TimeDelta::days(400);
        let members = (1..=5).map(|i| seen(UserId(i), joined)).collect();
        self.decide_and_append(&mut state, &Command::SeeMembers(members), now)
            .await?;
        // Something of every kind to act on: credits, three listings, two teams, two
        // commissions, two tournaments (random steps create more, or fail to).
        for (kind, a, b, c) in [
            (2, 0, 1, 2_999),
            (2, 1, 1, 2_999),
            (2, 2, 1, 2_999),
            (2, 3, 1, 2_999),
            (2, 4, 1, 2_999),
            (4, 1, 1, 50),
            (4, 2, 1, 80),
            (4, 3, 1, 120),
            (26, 1, 0, 0),
            (26, 2, 0, 1),
            (12, 1, 2, 100),
            (12, 3, 4, 200),
            (22, 0, 0, 0),
            (22, 0, 0, 1),
        ] {
            let step = Step {
                minutes: 0,
                kind,
                a,
                b,
                c,
                race: false,
            };
            let setup = command(&state, &step, now, 0);
            self.decide_and_append(&mut state, &setup, now).await?;
        }
        let steps = &scenario.steps;
        let mut i = 0;
        while i < steps.len() {
            now += TimeDelta::minutes(i64::from(steps[i].minutes));
            let n = i64::try_from(i).unwrap_or(0);
            let first = command(&state, &steps[i], now, n);
            if steps[i].race && i + 1 < steps.len() {
                // Both decided on the same state: the second's append is fenced when the first
                // appended, and the second is decided again on the state after the first.
                let second = command(&state, &steps[i + 1], now, n + 1);
                let snapshot = state.clone();
                let appended = self.decide_and_append(&mut state, &first, now).await?;
                let mut raced = false;
                if let Ok((events, _)) = decide(&snapshot, &second, now)
                    && !events.is_empty()
                {
                    let mut stale = snapshot;
                    match self.append(&mut stale, &events, now).await {
                        Err(AppendError::Fence { .. }) if appended => {}
                        Ok(()) if !appended => {
                            state = stale;
                            raced = true;
                        }
                        other => return Err(format!("the racing append: {other:?}")),
                    }
                }
                if !raced {
                    self.decide_and_append(&mut state, &second, now).await?;
                }
                i += 2;
            } else {
                self.decide_and_append(&mut state, &first, now).await?;
                i += 1;
            }
            for (_, due) in due(&state, now, chrono::TimeDelta::days(1)) {
                self.decide_and_append(&mut state, &due, now).await?;
            }
        }
        self.agree(&state, scenario.batch).await
    }

    /// Decides `command` and appends what it decided. Returns whether it appended anything.
    async fn decide_and_append(
        &self,
        state: &mut GuildState,
        command: &Command,
        now: DateTime<Utc>,
    ) -> Result<bool, String> {
        match decide(state, command, now) {
            Ok((events, _)) if !events.is_empty() => {
                self.append(state, &events, now)
                    .await
                    .map_err(|e| format!("append of {command:?}: {e}"))?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}
