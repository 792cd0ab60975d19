//! The run itself: members act in waves (messages dated so each deserves XP, `/pay`, Buy clicks,
//! team deposits) while a schedule of disruptions plays out at random moments: SIGKILLs spread over
//! the run (the three processes in turn, in shuffled rounds), each landing at a random moment while
//! a wave's work is in flight, or, for about a quarter of them, a second kill soon after the restart
//! (a process killed while it starts); one Postgres crash and restart, one NATS restart. Processes
//! that exit by themselves are restarted too.

use super::fleet::{Fleet, NAMES};
use super::nats::Nats;
use super::pg::Postgres;
use super::world::World;
use chrono::{DateTime, TimeDelta, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Minimum spacing of one member's messages, by their own timestamps (the XP cooldown is 60 s).
pub const MESSAGE_SPACING: TimeDelta = TimeDelta::seconds(61);
/// XP a message earns.
pub const MESSAGE_XP: i64 = 5;
/// How long after a wave is dispatched its work is surely still in flight (gateway, JetStream,
/// decision, commit, answer): a wave-timed kill lands at a random moment of this window.
const IN_FLIGHT: Duration = Duration::from_millis(150);

/// What the program sent.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// Member `author` posted a message (dated MESSAGE_SPACING after their previous one).
    Message {
        author: usize,
    },
    Pay {
        from: usize,
        to: usize,
        amount: i64,
    },
    Buy {
        buyer: usize,
        listing: usize,
    },
    Deposit {
        member: usize,
        amount: i64,
    },
}

/// One dispatched command.
#[derive(Clone, Copy, Debug)]
pub struct Sent {
    pub id: u64,
    pub kind: Kind,
    /// Who acted (a user id).
    pub user: u64,
    pub at: Instant,
}

/// What a run's disruptions did.
#[derive(Debug, Default)]
pub struct Disruptions {
    pub postgres_restarts: usize,
    pub nats_restarts: usize,
    /// Problems restarting something (the run goes on; the report shows them).
    pub errors: Vec<String>,
}

/// How hard and how long to drive.
#[derive(Clone, Debug)]
pub struct Load {
    pub duration: Duration,
    /// Actions dispatched at once, every `every`.
    pub wave: usize,
    pub every: Duration,
    pub kills: usize,
    /// Longest time a killed process stays down.
    pub max_down: Duration,
    pub restart_postgres: bool,
    pub restart_nats: bool,
    pub seed: u64,
}

/// One member action, dispatched; what was sent.
fn act_once(world: &World, rng: &mut StdRng, base: DateTime<Utc>, posted: &mut [i32]) -> Sent {
    let n = world.members.len().max(1);
    let who = rng.random_range(0..n);
    let member = &world.members[who];
    let other = (who + rng.random_range(1..n.max(2))) % n;
    let roll = rng.random_range(0..100);
    let (id, kind) = if roll < 40 {
        let k = posted[who];
        posted[who] += 1;
        let at = base + TimeDelta::seconds(3 * who as i64) + MESSAGE_SPACING * k;
        let text = format!("devlog {k} from member {who}: shipped another build");
        (
            world.say_at(member, &text, at),
            Kind::Message { author: who },
        )
    } else if roll < 65 {
        let amount = rng.random_range(1..=50);
        let id = world.pay(member, world.members[other].user_id, amount);
        (
            id,
            Kind::Pay {
                from: who,
                to: other,
                amount,
            },
        )
    } else if roll < 85 && !world.listings.is_empty() {
        let listing = rng.random_range(0..world.listings.len());
        let id = world.buy(member, world.listings[listing]);
        (
            id,
            Kind::Buy {
                buyer: who,
                listing,
            },
        )
    } else {
        let amount = rng.random_range(1..=20);
        (
            world.deposit(member, amount),
            Kind::Deposit {
                member: who,
                amount,
            },
        )
    };
    Sent {
        id,
        kind,
        user: member.user_id,
        at: Instant::now(),
    }
}

/// Sends waves of actions until `load.duration` passed, announcing each wave on `waves`; what was
/// sent.
async fn act(world: &World, load: &Load, waves: watch::Sender<u64>) -> Vec<Sent> {
    let mut rng = StdRng::seed_from_u64(load.seed);
    let n = world.members.len().max(1);
    // Dated in the past: one member's messages MESSAGE_SPACING apart, members 3 s apart.
    let actions = load.duration.as_secs_f64() / load.every.as_secs_f64() * load.wave as f64;
    let span = MESSAGE_SPACING * ((actions / n as f64).ceil() as i32 + 10);
    let base: DateTime<Utc> = Utc::now() - span - TimeDelta::hours(1);
    let mut posted = vec![0i32; n];
    let mut sent = Vec::new();
    let started = Instant::now();
    let mut ticks = tokio::time::interval(load.every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while started.elapsed() < load.duration {
        ticks.tick().await;
        for _ in 0..load.wave.max(1) {
            sent.push(act_once(world, &mut rng, base, &mut posted));
        }
        waves.send_modify(|w| *w += 1);
    }
    sent
}

/// A disruption at a moment of the run.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Blow {
    /// SIGKILL process `.0` at a random moment of a wave's work.
    Kill(usize),
    /// SIGKILL process `.0`, restart it, and kill it again soon after it started (two kills).
    KillTwice(usize),
    Postgres,
    Nats,
}

impl Blow {
    fn kills(self) -> usize {
        match self {
            Blow::Kill(_) => 1,
            Blow::KillTwice(_) => 2,
            _ => 0,
        }
    }
}

/// The disruptions, at random moments: `load.kills` kills over the run in slots of equal length,
/// the three processes in shuffled rounds; Postgres at about a third, NATS at about two thirds.
fn schedule(load: &Load, rng: &mut StdRng) -> Vec<(Duration, Blow)> {
    let mut strikes = Vec::new();
    let mut round: Vec<usize> = Vec::new();
    let mut kills = 0;
    while kills < load.kills {
        if round.is_empty() {
            round = (0..NAMES.len()).collect();
            round.shuffle(rng);
        }
        let which = round.pop().unwrap_or(0);
        let blow = if kills + 2 <= load.kills && rng.random_bool(0.25) {
            Blow::KillTwice(which)
        } else {
            Blow::Kill(which)
        };
        kills += blow.kills();
        strikes.push(blow);
    }
    let slot = load.duration.div_f64(strikes.len().max(1) as f64);
    let mut plan: Vec<(Duration, Blow)> = strikes
        .into_iter()
        .enumerate()
        .map(|(k, blow)| (slot.mul_f64(k as f64 + rng.random_range(0.05..0.75)), blow))
        .collect();
    if load.restart_postgres {
        plan.push((
            load.duration.mul_f64(rng.random_range(0.3..0.4)),
            Blow::Postgres,
        ));
    }
    if load.restart_nats {
        plan.push((
            load.duration.mul_f64(rng.random_range(0.6..0.7)),
            Blow::Nats,
        ));
    }
    plan.sort_by_key(|(at, _)| *at);
    plan
}

/// Restarts what exited by itself; notes a failure to restart.
fn revive(fleet: &mut Fleet, errors: &mut Vec<String>) {
    if let Err(err) = fleet.revive() {
        errors.push(format!("restarting a process: {err:#}"));
    }
}

/// Sleeps until `until`, reviving processes that exit meanwhile.
async fn wait_reviving(fleet: &mut Fleet, errors: &mut Vec<String>, until: Instant) {
    while Instant::now() < until {
        revive(fleet, errors);
        let left = until.saturating_duration_since(Instant::now());
        tokio::time::sleep(left.min(Duration::from_millis(100))).await;
    }
}

/// Kills process `i`, leaves it down for a random time up to `max_down`, and starts it again.
async fn kill_and_restart(
    fleet: &mut Fleet,
    i: usize,
    max_down: Duration,
    rng: &mut StdRng,
    errors: &mut Vec<String>,
) {
    fleet.kill(i).await;
    tokio::time::sleep(max_down.mul_f64(rng.random_range(0.0..1.0))).await;
    if let Err(err) = fleet.start(i) {
        errors.push(format!("restarting {}: {err:#}", NAMES[i]));
    }
}

/// Plays the disruption schedule against the processes and servers.
async fn strike(
    fleet: &mut Fleet,
    pg: &Postgres,
    nats: &mut Nats,
    load: &Load,
    mut waves: watch::Receiver<u64>,
    started: Instant,
) -> Disruptions {
    let mut rng = StdRng::seed_from_u64(load.seed ^ 0x5eed);
    let mut done = Disruptions::default();
    for (at, blow) in schedule(load, &mut rng) {
        wait_reviving(fleet, &mut done.errors, started + at).await;
        match blow {
            Blow::Kill(i) => {
                // A random moment while the next wave's work is in flight.
                waves.borrow_and_update();
                let _ = tokio::time::timeout(load.every * 2, waves.changed()).await;
                tokio::time::sleep(IN_FLIGHT.mul_f64(rng.random_range(0.0..1.0))).await;
                kill_and_restart(fleet, i, load.max_down, &mut rng, &mut done.errors).await;
            }
            Blow::KillTwice(i) => {
                kill_and_restart(fleet, i, load.max_down, &mut rng, &mut done.errors).await;
                // Soon after it started: while it connects, loads, or resumes.
                let soon = Duration::from_millis(rng.random_range(50..800));
                wait_reviving(fleet, &mut done.errors, Instant::now() + soon).await;
                kill_and_restart(fleet, i, load.max_down, &mut rng, &mut done.errors).await;
            }
            Blow::Postgres => match pg.restart(Duration::from_secs(2)).await {
                Ok(()) => done.postgres_restarts += 1,
                Err(err) => done.errors.push(format!("restarting Postgres: {err:#}")),
            },
            Blow::Nats => match nats.restart(Duration::from_secs(2)).await {
                Ok(()) => done.nats_restarts += 1,
                Err(err) => done.errors.push(format!("restarting NATS: {err:#}")),
            },
        }
    }
    wait_reviving(fleet, &mut done.errors, started + load.duration).await;
    done
}

/// Drives the guild under fire for `load.duration`; what was sent and what was done to it.
pub async fn drive(
    world: &World,
    fleet: &mut Fleet,
    pg: &Postgres,
    nats: &mut Nats,
    load: &Load,
) -> (Vec<Sent>, Disruptions) {
    let started = Instant::now();
    let (waves, watching) = watch::channel(0);
    tokio::join!(
        act(world, load, waves),
        strike(fleet, pg, nats, load, watching, started)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_spreads_kills_over_every_process_and_restarts_each_server_once() {
        let load = Load {
            duration: Duration::from_secs(300),
            wave: 8,
            every: Duration::from_secs(1),
            kills: 100,
            max_down: Duration::from_secs(1),
            restart_postgres: true,
            restart_nats: true,
            seed: 1,
        };
        let plan = schedule(&load, &mut StdRng::seed_from_u64(1));
        let kills = |p: usize| {
            plan.iter()
                .filter(|(_, b)| matches!(b, Blow::Kill(q) | Blow::KillTwice(q) if *q == p))
                .map(|(_, b)| b.kills())
                .sum::<usize>()
        };
        assert_eq!((0..3).map(kills).sum::<usize>(), 100);
        assert!((0..3).all(|p| kills(p) >= 20), "{plan:?}");
        assert!(plan.iter().any(|(_, b)| matches!(b, Blow::KillTwice(_))));
        assert_eq!(plan.iter().filter(|(_, b)| *b == Blow::Postgres).count(), 1);
        assert_eq!(plan.iter().filter(|(_, b)| *b == Blow::Nats).count(), 1);
        assert!(plan.iter().all(|(at, _)| *at < load.duration));
    }
}
