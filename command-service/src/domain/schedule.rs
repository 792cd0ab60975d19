//! What the clock makes due: escrows whose review window passed (released), funded commissions
//! whose deadline passed without a delivery (refunded), members whose time in the guild reached a
//! rank, listings whose time on sale ran out, the chain head to post in the audit channel. Each due command is keyed by what it acts on,
//! so two replicas, a restart or a repeated tick decide it once; the time it happened is decided in
//! the command and written in its event.

use super::{Command, Commission, GuildState, Market};
use crate::rules::{economy, heads, tenure};
use chrono::{DateTime, TimeDelta, Utc};
use studio_model::commission::CommissionStatus;

/// What the id of each kind of clock command begins with (then `:<guild>:…`). One place for the
/// formats: whoever must tell the clock's commands from members' reads [`CLOCK_COMMANDS`].
const AUTO_RELEASE: &str = "auto-release";
const DEADLINE_REFUND: &str = "deadline-refund";
const RANK: &str = "rank";
const CHAIN_HEAD: &str = "chain-head";
const LISTING_EXPIRY: &str = "listing-expiry";

/// Every prefix of [`due`]'s command ids.
pub const CLOCK_COMMANDS: [&str; 5] = [
    AUTO_RELEASE,
    DEADLINE_REFUND,
    RANK,
    CHAIN_HEAD,
    LISTING_EXPIRY,
];

/// The commands due in `state` at `now`, each with its command id.
#[must_use]
pub fn due(state: &GuildState, now: DateTime<Utc>, day: TimeDelta) -> Vec<(String, Command)> {
    let releases = state
        .commissions
        .iter()
        .filter_map(|(id, c)| match c.status {
            CommissionStatus::Delivered { auto_release_at } if auto_release_at <= now => Some((
                format!("{AUTO_RELEASE}:{}:{}", state.guild, id.0),
                Command::Commission(Commission::AutoRelease { commission: *id }),
            )),
            CommissionStatus::Funded if c.deadline <= now => Some((
                format!("{DEADLINE_REFUND}:{}:{}", state.guild, id.0),
                Command::Commission(Commission::DeadlineRefund { commission: *id }),
            )),
            _ => None,
        });
    let ranks = state.members.iter().filter_map(|(member, m)| {
        if m.bot || !m.present {
            return None;
        }
        let rank = state.settings.rank(m.tenure.time_in_guild(now));
        (rank > tenure::Rank::Beginner && m.rank < Some(rank)).then(|| {
            (
                format!("{RANK}:{}:{member}:{rank}", state.guild),
                Command::ReachRank {
                    member: *member,
                    rank,
                },
            )
        })
    });
    let head = heads::due(
        state.settings.audit_channel,
        &state.heads,
        state.last_seq,
        now,
    )
    .then(|| {
        (
            format!("{CHAIN_HEAD}:{}:{}", state.guild, state.last_seq),
            Command::PublishHead {
                seq: state.last_seq,
                hash: None,
            },
        )
    });
    let expiries = state.listing_clocks().filter_map(|(listing, clock)| {
        let on_sale = state.listings.get(listing).is_some_and(|l| l.active);
        let ends = economy::listing_expires_at(clock.since, state.settings.listing_days, day)?;
        (on_sale && !clock.expired && ends <= now).then(|| {
            (
                format!(
                    "{LISTING_EXPIRY}:{}:{}:{}",
                    state.guild,
                    listing.0,
                    clock.since.timestamp_micros()
                ),
                Command::Market(Market::Expire {
                    listing: *listing,
                    day,
                }),
            )
        })
    });
    let mut due: Vec<(String, Command)> =
        releases.chain(ranks).chain(head).chain(expiries).collect();
    // HashMap order is not stable; the log's order must not depend on it.
    due.sort_by(|a, b| a.0.cmp(&b.0));
    due
}
