//! The answer to a decided command: one arm for every [`Outcome`], so a new outcome does not compile
//! until it has words of its own. Pure; every text is kept inside Discord's limits.

use super::mentions::{Pings, reply};
use super::receipts::{step_text, team_text, tournament_text};
use super::render::{ephemeral, level_up_text, truncate};
use super::{boards, help, quests};
use crate::domain::{Outcome, Rejection};
use twilight_model::channel::message::MessageFlags;
use twilight_model::http::interaction::InteractionResponse;

/// Discord's message content limit.
const CONTENT_LIMIT: usize = 2000;

/// The answer to the member whose interaction was decided into `outcome`. `command` is the slash
/// command whose usage a refusal of bad input shows, if the interaction had one.
#[must_use]
pub fn answer(outcome: &Outcome, command: Option<&str>) -> InteractionResponse {
    match outcome {
        Outcome::Rejected(rejection) => rejected(rejection, command),
        Outcome::Recorded => ephemeral("✅ Recorded: there was nothing more to do."),
        Outcome::MessageRewarded {
            member,
            xp,
            level_up,
            ..
        } => {
            let cheer =
                level_up.map_or_else(String::new, |l| format!("\n{}", level_up_text(*member, l)));
            ephemeral(&format!("✅ <@{member}> earned {xp} XP.{cheer}"))
        }
        Outcome::XpAdjusted {
            member,
            change,
            total,
            level,
            level_up,
            reason,
            ..
        } => {
            let cheer =
                level_up.map_or_else(String::new, |l| format!("\n{}", level_up_text(*member, l)));
            let verb = if *change >= 0 { "Gave" } else { "Removed" };
            let prep = if *change >= 0 { "to" } else { "from" };
            // Public, with the admin's own words: it pings the member and nobody else.
            reply(&Pings::member(*member))
                .content(truncate(
                    &format!(
                        "{verb} {} XP {prep} <@{member}> — now {total} XP, level {level}. Reason: {reason}{cheer}",
                        change.abs()
                    ),
                    CONTENT_LIMIT,
                ))
                .build()
        }
        Outcome::Paid {
            to,
            amount,
            balance,
            ..
        } => ephemeral(&format!(
            "✅ Paid {amount} credits to <@{to}>. Your balance: {balance} credits."
        )),
        Outcome::CreditsAdjusted {
            member,
            change,
            balance,
            reason,
        } => {
            let verb = if *change >= 0 { "Granted" } else { "Revoked" };
            ephemeral(&format!(
                "✅ {verb} {} credits {} <@{member}> — their balance: {balance}. Reason: {reason}",
                change.abs(),
                if *change >= 0 { "to" } else { "from" },
            ))
        }
        Outcome::Listed {
            listing,
            version,
            title,
            price,
        } => {
            let what = if *version == 1 {
                "is on the marketplace"
            } else {
                "was updated"
            };
            // Public, with the seller's own words: nothing in it may ping anyone.
            reply(&Pings::nobody())
                .content(truncate(
                    &format!(
                        "🛍️ Listing #{listing} **{title}** {what} (version {version}) for {price} credits. Browse with /shop."
                    ),
                    CONTENT_LIMIT,
                ))
                .build()
        }
        Outcome::Delisted { listing, title } => ephemeral(&format!(
            "✅ Listing #{listing} **{title}** is off the marketplace. Buyers keep their copies."
        )),
        Outcome::Imported {
            source,
            members,
            xp,
            credits,
        } => ephemeral(&format!(
            "📥 Imported {members} member{} from {source}: {xp} XP and {credits} credits in all. One action: undo it as one with /undo (or projector undo) at its first position.",
            if *members == 1 { "" } else { "s" }
        )),
        Outcome::ListingExpired { listing, title, .. } => ephemeral(&format!(
            "⌛ Listing #{listing} **{title}** reached the end of its time on sale."
        )),
        Outcome::Renewed {
            listing,
            title,
            until,
        } => ephemeral(&match until {
            Some(until) => format!(
                "🔁 Listing #{listing} **{title}** is on sale until {}.",
                until.format("%Y-%m-%d %H:%M UTC")
            ),
            None => format!("🔁 Listing #{listing} **{title}** is on sale."),
        }),
        Outcome::Purchased {
            listing,
            title,
            version,
            price,
            balance,
            seller,
            ..
        } => reply(&Pings::nobody())
            .content(truncate(
                &format!(
                    "✅ You bought listing #{listing} **{title}** (version {version}) from <@{seller}> for {price} credits. Your balance: {balance}. The code is below and in your DMs."
                ),
                CONTENT_LIMIT,
            ))
            // The code is added when the answer is sent (outbox::CodeRef): outcomes hold none.
            .flags(MessageFlags::EPHEMERAL)
            .build(),
        Outcome::Reviewed {
            listing, stars, xp, ..
        } => ephemeral(&format!(
            "✅ Thanks! Your {stars}★ review of listing #{listing} is posted. +{xp} XP."
        )),
        Outcome::Refunded {
            listing,
            buyer,
            amount,
            ..
        } => ephemeral(&format!(
            "✅ Refunded {amount} credits to <@{buyer}> for listing #{listing}; their access to the code is revoked."
        )),
        Outcome::PurchaseDisputed { listing, .. } => ephemeral(&format!(
            "✅ Your dispute of listing #{listing} is open. An admin will refund or reject it."
        )),
        Outcome::DisputeRejected { listing, buyer } => ephemeral(&format!(
            "✅ Rejected <@{buyer}>'s dispute of listing #{listing}; the sale stands."
        )),
        Outcome::Featured {
            listing,
            until,
            cost,
            balance,
        } => ephemeral(&format!(
            "✅ Listing #{listing} is featured until {} for {cost} credits. Your balance: {balance}.",
            until.format("%Y-%m-%d %H:%M UTC")
        )),
        Outcome::RepGiven {
            giver,
            receiver,
            total,
            reason,
        } => {
            let reason = reason
                .as_ref()
                .map_or_else(String::new, |r| format!(" — {r}"));
            // Public thanks: it pings the receiver and nobody else, whatever the reason says.
            reply(&Pings::member(*receiver))
                .content(truncate(
                    &format!("⭐ <@{giver}> gave <@{receiver}> +1 reputation (now {total}){reason}"),
                    CONTENT_LIMIT,
                ))
                .build()
        }
        Outcome::Undone {
            original,
            action,
            reason,
        } => super::undo::done(*original, action, reason),
        Outcome::RepPurged { giver, count } => ephemeral(&format!(
            "✅ Removed the {count} reputation points <@{giver}> had given."
        )),
        Outcome::HeadPublished { head, .. } => ephemeral(&crate::rules::heads::message(head)),
        Outcome::RankUp { member, rank, .. } => {
            ephemeral(&format!("🎖️ <@{member}> reached the **{rank}** rank!"))
        }
        Outcome::Rejoined { member, .. } => ephemeral(&format!(
            "👋 Welcome back, <@{member}>: the roles of your rank are yours again."
        )),
        Outcome::ProfileSaved { role, open_to_work } => ephemeral(&format!(
            "✅ Profile saved: {role}, {}.",
            if *open_to_work {
                "open to work — /find lists you and members can contact you"
            } else {
                "not open to work — /find does not list you"
            }
        )),
        Outcome::Contacted { to, .. } => {
            ephemeral(&format!("✉️ Your message was sent to <@{to}> by DM."))
        }
        Outcome::Tournament {
            tournament,
            name,
            step,
        } => {
            let (text, public, pinged) = tournament_text(*tournament, name, step);
            if !public {
                return ephemeral(&text);
            }
            reply(&Pings::members(pinged.iter().copied()))
                .content(truncate(&text, CONTENT_LIMIT))
                .build()
        }
        Outcome::Spotlight {
            member, text, cost, ..
        } => boards::spotlight(*member, text, *cost),
        Outcome::Team {
            team, name, step, ..
        } => ephemeral(&format!(
            "✅ Team #{} **{name}**: {}",
            team.0,
            team_text(step)
        )),
        Outcome::SettingChanged { what, .. } => ephemeral(&format!("✅ {what}")),
        Outcome::Quest {
            member,
            task,
            progress,
            target,
            reward,
            streak,
            claimed,
        } => quests::board(&quests::Board {
            member: *member,
            task,
            progress: *progress,
            target: *target,
            reward: *reward,
            streak: *streak,
            claimed: *claimed,
        }),
        Outcome::QuestClaimed {
            reward, xp, streak, ..
        } => ephemeral(&format!(
            "🎁 Quest claimed: +{reward} credits and +{xp} XP. Streak: {streak} day{}.",
            if *streak == 1 { "" } else { "s" }
        )),
        Outcome::Settings { lines } => ephemeral(&format!(
            "⚙️ Studio's rules in this server:\n{}",
            lines.join("\n")
        )),
        Outcome::Commission {
            commission, step, ..
        } => ephemeral(&format!(
            "✅ Commission #{commission}: {}",
            step_text(step)
        )),
        // Public, with the admin's own words: it pings nobody.
        Outcome::SeasonStarted { season, name } => reply(&Pings::nobody())
            .content(truncate(
                &format!(
                    "🏁 Season {season} **{name}** starts now! Its leaderboard counts the XP earned from here on; all-time XP stays as it is. See /leaderboard → Season."
                ),
                CONTENT_LIMIT,
            ))
            .build(),
        Outcome::Season { season: Some(s) } => ephemeral(&format!(
            "🏁 Season {} **{}**, since {} (started by <@{}>). /leaderboard → Season ranks the XP earned since.",
            s.number,
            s.name,
            s.started_at.format("%Y-%m-%d %H:%M UTC"),
            s.by
        )),
        Outcome::Season { season: None } => ephemeral(
            "No season has started yet: XP counts all time. An admin starts one with `/season start name`.",
        ),
    }
}

/// A rule's refusal, privately; a refusal of bad input comes with `command`'s usage.
#[must_use]
pub fn rejected(rejection: &Rejection, command: Option<&str>) -> InteractionResponse {
    match command.filter(|_| rejection.is_bad_input()) {
        Some(name) => ephemeral(&format!("❌ {rejection}\n{}", help::usage(name))),
        None => ephemeral(&format!("❌ {rejection}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use studio_schema::{GuildId, UserId, Xp};

    fn text(response: &InteractionResponse) -> String {
        response
            .data
            .as_ref()
            .and_then(|d| d.content.clone())
            .unwrap_or_default()
    }

    #[test]
    fn the_outcomes_that_used_to_say_done_have_words_of_their_own() {
        let member = UserId(5);
        for (outcome, expected) in [
            (
                Outcome::Recorded,
                "✅ Recorded: there was nothing more to do.",
            ),
            (
                Outcome::MessageRewarded {
                    member,
                    xp: Xp(15),
                    level_up: Some(2),
                    announce_in: None,
                    level_roles: Vec::new(),
                },
                "✅ <@5> earned 15 XP.\n🎉 <@5> reached level 2!",
            ),
            (
                Outcome::RankUp {
                    guild: GuildId(1),
                    member,
                    rank: "Expert".into(),
                    roles: Vec::new(),
                    announce_in: None,
                    quiet: false,
                },
                "🎖️ <@5> reached the **Expert** rank!",
            ),
            (
                Outcome::Rejoined {
                    guild: GuildId(1),
                    member,
                    roles: vec![studio_schema::RoleId(7)],
                },
                "👋 Welcome back, <@5>: the roles of your rank are yours again.",
            ),
        ] {
            assert_eq!(text(&answer(&outcome, None)), expected);
        }
    }

    /// Whom an answer may ping, as Discord reads it: `None` if it lets Discord parse its text.
    fn pinged(response: &InteractionResponse) -> Option<serde_json::Value> {
        let allowed =
            serde_json::to_value(response.data.as_ref()?).ok()?["allowed_mentions"].clone();
        (allowed["parse"] == serde_json::json!([]) && allowed.get("roles").is_none()).then(|| {
            allowed
                .get("users")
                .cloned()
                .unwrap_or_else(|| serde_json::json!([]))
        })
    }

    #[test]
    fn public_answers_ping_whom_they_mean_whatever_the_text_says() {
        use crate::domain::TournamentStep;
        use studio_schema::{Credits, ListingId, TournamentId};
        let hostile = "@everyone @here <@&77> <@9>".to_owned();
        for (outcome, pings) in [
            (
                Outcome::XpAdjusted {
                    member: UserId(5),
                    change: 10,
                    total: Xp(10),
                    level: 1,
                    level_up: None,
                    level_roles: Vec::new(),
                    reason: hostile.clone(),
                },
                serde_json::json!(["5"]),
            ),
            (
                Outcome::RepGiven {
                    giver: UserId(9),
                    receiver: UserId(5),
                    total: 1,
                    reason: Some(hostile.clone()),
                },
                serde_json::json!(["5"]),
            ),
            (
                Outcome::Listed {
                    listing: ListingId(1),
                    version: 1,
                    title: hostile.clone(),
                    price: Credits(5),
                },
                serde_json::json!([]),
            ),
            (
                Outcome::Tournament {
                    tournament: TournamentId(1),
                    name: hostile.clone(),
                    step: TournamentStep::Paid {
                        placings: vec![(UserId(5), Credits(100)), (UserId(6), Credits(50))],
                    },
                },
                serde_json::json!(["5", "6"]),
            ),
            (
                Outcome::Spotlight {
                    member: UserId(5),
                    text: hostile.clone(),
                    cost: Credits(200),
                    balance: Credits(0),
                },
                serde_json::json!([]),
            ),
            (
                Outcome::SeasonStarted {
                    season: studio_schema::SeasonId(2),
                    name: hostile.clone(),
                },
                serde_json::json!([]),
            ),
            (Outcome::Recorded, serde_json::json!([])),
            (
                Outcome::Rejected(Rejection::SelfPayment),
                serde_json::json!([]),
            ),
        ] {
            assert_eq!(pinged(&answer(&outcome, None)), Some(pings), "{outcome:?}");
        }
    }

    #[test]
    fn a_refusal_of_bad_input_shows_the_usage_of_the_command_it_came_from() {
        let bad = Outcome::Rejected(Rejection::BadStars);
        assert_eq!(
            text(&answer(&bad, Some("shop"))),
            format!(
                "❌ Stars must be a whole number from 1 to 5.\n{}",
                help::usage("shop")
            )
        );
        assert_eq!(
            text(&answer(&bad, None)),
            "❌ Stars must be a whole number from 1 to 5."
        );
        let rule = Outcome::Rejected(Rejection::SelfPayment);
        assert_eq!(
            text(&answer(&rule, Some("pay"))),
            "❌ You cannot pay yourself."
        );
    }
}
