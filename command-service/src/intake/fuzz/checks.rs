//! What must hold whatever comes in.

use super::*;

// ---- what must hold -----------------------------------------------------------------------------

/// Why `command` is outside what the rules allow whatever the guild's state, if it is.
pub(super) fn out_of_range(command: &Command) -> Option<&'static str> {
    let credits = |n: i64| !(1..=economy::MAX_AMOUNT.0).contains(&n);
    let bad = match command {
        Command::Pay { amount, .. } | Command::AdjustCredits { amount, .. } => credits(*amount),
        Command::AdjustXp { amount, .. } => !(1..=xp::MAX_ADJUSTMENT).contains(amount),
        Command::Team(
            TeamCmd::Deposit { amount, .. }
            | TeamCmd::Pay { amount, .. }
            | TeamCmd::Spend { amount, .. },
        ) => credits(*amount),
        Command::Team(TeamCmd::AddMilestone { reward, .. }) => *reward != 0 && credits(*reward),
        Command::Tournament(TournamentCmd::Create { prize, days, .. }) => {
            !(tournament::MIN_PRIZE.0..=economy::MAX_AMOUNT.0).contains(prize)
                || !(1..=tournament::MAX_DAYS).contains(days)
        }
        Command::Market(Market::Feature { days, .. }) => {
            !(1..=economy::MAX_FEATURE_DAYS).contains(days)
        }
        Command::Market(Market::Buy { version, .. }) => *version <= 0,
        Command::Commission(Commission::Offer {
            amount,
            deadline_days,
            ..
        }) => credits(*amount) || !(1..=economy::MAX_DEADLINE_DAYS).contains(deadline_days),
        Command::Commission(Commission::Milestone { amount, .. }) => credits(*amount),
        Command::Commission(Commission::Resolve {
            resolution: Resolution::Split(p),
            ..
        }) => !(0..=100).contains(p),
        _ => false,
    };
    bad.then_some("a value outside the rules' range")
}

/// Whether every member id in an event is a Discord snowflake (1 to 2^63 - 1), never a forged 0 or an
/// id past i64 that wrapped to a negative one.
pub(super) fn ids_in_range(value: &Value) -> bool {
    const MEMBERS: [&str; 14] = [
        "member",
        "by",
        "from",
        "to",
        "giver",
        "receiver",
        "seller",
        "buyer",
        "client",
        "developer",
        "owner",
        "actor",
        "reviewer",
        "author",
    ];
    match value {
        Value::Object(map) => map.iter().all(|(k, v)| {
            let id_ok = !MEMBERS.contains(&k.as_str()) || v.as_i64().is_none_or(|id| id > 0);
            id_ok && ids_in_range(v)
        }),
        Value::Array(list) => list.iter().all(ids_in_range),
        _ => true,
    }
}

pub(super) fn check_query(query: &Query) -> Result<(), TestCaseError> {
    if let Query::Board { board, .. } = query {
        let page = match board {
            Board::Leaderboard { page, .. }
            | Board::Shop { page, .. }
            | Board::Teams { page, .. } => *page,
            Board::Find { page, role, .. } => {
                prop_assert!(usize::from(*role) < crate::rules::profile::ROLES.len());
                *page
            }
            Board::Profile { .. } => 0,
        };
        prop_assert!(page < 10_000, "page {page} of {query:?}");
    }
    Ok(())
}

/// Decides `command` against the fuzzed guild: it must not panic; a value out of range must be
/// refused; an accepted one must move credits in balanced postings, leave no member, team or escrow
/// below zero, and render an answer and effects inside Discord's limits.
pub(super) fn check_command(command: &Command) -> Result<(), TestCaseError> {
    let (state, _) = guild();
    let decision = decide(state, command, now());
    if let Some(why) = out_of_range(command) {
        prop_assert!(
            decision.is_err(),
            "{why}, yet accepted: {command:?} → {decision:?}"
        );
    }
    let outcome = match decision {
        Err(rejection) => crate::domain::Outcome::Rejected(rejection),
        Ok((events, outcome)) => {
            for event in &events {
                let json = serde_json::to_value(event).unwrap_or_default();
                prop_assert!(
                    ids_in_range(&json),
                    "an id outside Discord's range in {json}"
                );
            }
            let mut after = state.clone();
            for (event, seq) in events.iter().zip(1_000_000..) {
                prop_assert!(
                    studio_schema::money::balanced(event.postings()),
                    "unbalanced postings in {event:?}"
                );
                after.apply(seq, event);
            }
            for account in events.iter().flat_map(|e| e.postings()).map(|p| &p.account) {
                if matches!(
                    account,
                    Account::Member(_) | Account::Team(_) | Account::Escrow(_) | Account::Prize(_)
                ) {
                    prop_assert!(
                        after.balance(*account).0 >= 0,
                        "{account:?} below zero after {command:?}"
                    );
                }
            }
            outcome
        }
    };
    let answer = crate::discord::outcome::answer(&outcome, Some("pay"));
    let content = answer
        .data
        .as_ref()
        .and_then(|d| d.content.as_deref())
        .unwrap_or_default();
    prop_assert!(content.chars().count() <= 2000);
    let _ = crate::outbox::for_outcome(GuildId::from_u64(GUILD), Some(300), &outcome);
    Ok(())
}

/// Reads a dispatch and checks what it became.
pub(super) fn check(event_type: &str, payload: &[u8]) -> Result<(), TestCaseError> {
    match read(event_type, payload, now()) {
        Err(_) | Ok(Incoming::Ignore | Incoming::Unreadable { .. }) => Ok(()),
        Ok(Incoming::Refuse { reason, .. }) => {
            prop_assert!(!reason.is_empty());
            Ok(())
        }
        Ok(Incoming::Query { query, .. }) => check_query(&query),
        Ok(Incoming::Command { command, .. }) => check_command(&command),
    }
}

pub(super) fn frame(event_type: &str, d: &Value) -> String {
    json!({"t": event_type, "s": 2, "op": 0, "d": d}).to_string()
}
