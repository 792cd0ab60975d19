//! What members are told when credits or goods move: the direct messages to the other party, the
//! delivered code, and the steps of commissions, teams and tournaments in words (the answer to
//! whoever acted is [`super::outcome`]'s). Pure.

use super::mentions::Pings;
use super::render::truncate;
use crate::domain::{Outcome, Step, TeamStep, TournamentStep};
use studio_schema::economy::Settlement;
use studio_schema::{Credits, ListingId, UserId};
use twilight_model::channel::message::Embed;
use twilight_model::http::interaction::InteractionResponse;
use twilight_util::builder::embed::EmbedBuilder;

const COLOUR: u32 = 0x0057_F287;
/// Discord's embed description limit.
const DESCRIPTION_LIMIT: usize = 4096;

/// A direct message to a member.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Dm {
    pub to: UserId,
    pub content: String,
    pub embeds: Vec<Embed>,
    /// Whom it pings: nobody (a DM notifies its reader anyway); stated all the same, as every
    /// message's is. Rows written before it was stored ping nobody.
    #[serde(default)]
    pub pings: Pings,
}

fn dm(to: UserId, content: String) -> Dm {
    Dm {
        to,
        content: truncate(&content, 2000),
        embeds: Vec::new(),
        pings: Pings::nobody(),
    }
}

/// The buyer's copy of a purchase: the code, or why it is gone.
#[must_use]
pub fn delivery(
    buyer: UserId,
    listing: ListingId,
    title: &str,
    price: Credits,
    code: Option<&str>,
) -> Dm {
    match code {
        Some(code) => Dm {
            to: buyer,
            content: truncate(
                &format!("📦 Your purchase of listing #{listing} **{title}** for {price} credits:"),
                2000,
            ),
            embeds: code_embeds(title, code),
            pings: Pings::nobody(),
        },
        None => dm(buyer, forgotten(listing)),
    }
}

/// An answer with the code it shows added (as embeds), or word that it was erased.
#[must_use]
pub fn with_code(
    response: &InteractionResponse,
    title: &str,
    listing: ListingId,
    code: Option<&str>,
) -> InteractionResponse {
    let mut response = response.clone();
    if let Some(data) = response.data.as_mut() {
        match code {
            Some(code) => data.embeds = Some(code_embeds(title, code)),
            None => {
                let shown = data.content.take().unwrap_or_default();
                data.content = Some(truncate(&format!("{shown}\n{}", forgotten(listing)), 2000));
            }
        }
    }
    response
}

/// What a buyer is told of code erased on request.
#[must_use]
pub fn forgotten(listing: ListingId) -> String {
    format!(
        "🗑️ The code of listing #{listing} was erased at its seller's or the server's request; it can no longer be delivered."
    )
}

/// The purchased code as embeds inside Discord's limits (one, or two when the fenced code is longer
/// than an embed's description), in code blocks; a link stays a link.
#[must_use]
pub fn code_embeds(title: &str, code: &str) -> Vec<Embed> {
    let embed = |title: String, description: String| {
        EmbedBuilder::new()
            .title(truncate(&title, 256))
            .color(COLOUR)
            .description(description)
            .build()
    };
    if code.starts_with("http://") || code.starts_with("https://") {
        return vec![embed(
            format!("📦 {title}"),
            truncate(code, DESCRIPTION_LIMIT),
        )];
    }
    // A fence inside the code would close the block early; a zero-width space breaks it.
    let escaped: Vec<char> = code.replace("```", "``\u{200b}`").chars().collect();
    let room = DESCRIPTION_LIMIT - "```\n\n```".len();
    escaped
        .chunks(room)
        .take(2)
        .enumerate()
        .map(|(part, chunk)| {
            let name = if part == 0 {
                format!("📦 {title}")
            } else {
                format!("📦 {title} (continued)")
            };
            embed(
                name,
                format!("```\n{}\n```", chunk.iter().collect::<String>()),
            )
        })
        .collect()
}

fn shares(paid: &[(UserId, Credits)]) -> String {
    paid.iter()
        .map(|(m, c)| format!("<@{m}> {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a team step did, in words.
pub(super) fn team_text(step: &TeamStep) -> String {
    match step {
        TeamStep::Created { owner, fee } => format!(
            "created by <@{owner}> for {fee} credits. Its private channel opens for its members; see it with /teams."
        ),
        TeamStep::Joined { member } => format!("<@{member}> joined."),
        TeamStep::Invited { member } => {
            format!("<@{member}> is invited (they accept with /team join).")
        }
        TeamStep::Requested { member, owner } => {
            format!("<@{member}> asked to join; <@{owner}> will answer.")
        }
        TeamStep::Declined { member } => format!("<@{member}>'s request was declined."),
        TeamStep::Left { member } => format!("<@{member}> left."),
        TeamStep::Kicked { member } => format!("<@{member}> was removed."),
        TeamStep::Transferred { from, to } => format!("<@{from}> handed the team to <@{to}>."),
        TeamStep::Disbanded { returned } => {
            if returned.is_empty() {
                "disbanded; the wallet was empty.".to_owned()
            } else {
                format!("disbanded; the wallet went back to {}.", shares(returned))
            }
        }
        TeamStep::Deposited {
            member,
            amount,
            wallet,
        } => format!("<@{member}> deposited {amount} credits. Wallet: {wallet}."),
        TeamStep::Paid {
            member,
            amount,
            wallet,
        } => format!("paid {amount} credits to <@{member}>. Wallet: {wallet}."),
        TeamStep::Spent { amount, wallet } => {
            format!("spent {amount} credits. Wallet: {wallet}.")
        }
        TeamStep::MilestoneAdded {
            milestone,
            title,
            reward,
        } => format!(
            "milestone #{milestone} \"{title}\" added ({reward} credits per member when done)."
        ),
        TeamStep::MilestoneCompleted {
            milestone,
            title,
            paid,
            progress,
        } => {
            let paid = if paid.is_empty() {
                String::new()
            } else {
                format!(" Paid: {}.", shares(paid))
            };
            format!("milestone #{milestone} \"{title}\" done — {progress}% complete.{paid}")
        }
        TeamStep::MilestoneReopened {
            milestone,
            title,
            progress,
        } => format!("milestone #{milestone} \"{title}\" reopened — {progress}% complete."),
    }
}

/// The direct messages an outcome sends to the other party.
#[must_use]
pub fn dms(outcome: &Outcome) -> Vec<Dm> {
    match outcome {
        Outcome::Paid {
            from,
            to,
            amount,
            note,
            ..
        } => {
            let note = note
                .as_ref()
                .map_or_else(String::new, |n| format!(" Note: {n}"));
            vec![dm(
                *to,
                format!("💰 <@{from}> paid you {amount} credits.{note}"),
            )]
        }
        Outcome::CreditsAdjusted {
            member,
            change,
            reason,
            ..
        } => {
            let what = if *change >= 0 {
                "granted you"
            } else {
                "revoked"
            };
            vec![dm(
                *member,
                format!(
                    "💰 An admin {what} {} credits. Reason: {reason}",
                    change.abs()
                ),
            )]
        }
        Outcome::Purchased {
            listing,
            title,
            buyer,
            seller,
            price,
            tax,
            tax_percent,
            ..
        } => vec![dm(
            *seller,
            format!(
                "🎉 <@{buyer}> bought your listing #{listing} **{title}** for {price} credits. Tax {tax} ({tax_percent} %); you received {}. +100 XP.",
                price.0 - tax.0
            ),
        )],
        Outcome::Reviewed {
            listing,
            title,
            seller,
            stars,
            ..
        } => vec![dm(
            *seller,
            format!("⭐ Your listing #{listing} **{title}** got a {stars}★ review."),
        )],
        Outcome::Refunded {
            listing,
            title,
            buyer,
            amount,
            ..
        } => vec![dm(
            *buyer,
            format!(
                "↩️ Your purchase of listing #{listing} **{title}** was refunded: {amount} credits are back in your wallet."
            ),
        )],
        Outcome::PurchaseDisputed {
            listing,
            title,
            seller,
        } => vec![dm(
            *seller,
            format!(
                "⚠️ A buyer disputed their purchase of your listing #{listing} **{title}**. An admin will decide; you can also refund it from /shop → History."
            ),
        )],
        Outcome::DisputeRejected { listing, buyer } => vec![dm(
            *buyer,
            format!("⚖️ An admin rejected your dispute of listing #{listing}; the sale stands."),
        )],
        Outcome::Commission {
            commission,
            client,
            developer,
            step,
        } => {
            let text = format!("🤝 Commission #{commission}: {}", step_text(step));
            let to = match step {
                Step::Offered { .. } | Step::Funded { .. } | Step::Milestone { .. } => {
                    vec![*developer]
                }
                Step::Accepted | Step::Delivered { .. } => vec![*client],
                Step::Disputed { by } => vec![if by == client { *developer } else { *client }],
                Step::Settled { .. } => vec![*client, *developer],
            };
            to.into_iter().map(|u| dm(u, text.clone())).collect()
        }
        Outcome::Team {
            team, name, step, ..
        } => {
            let about = format!("Team #{} **{name}**: {}", team.0, team_text(step));
            let to: Vec<UserId> = match step {
                TeamStep::Invited { member }
                | TeamStep::Kicked { member }
                | TeamStep::Declined { member } => vec![*member],
                TeamStep::Requested { owner, .. } => vec![*owner],
                TeamStep::Paid { member, .. } => vec![*member],
                TeamStep::Disbanded { returned: paid }
                | TeamStep::MilestoneCompleted { paid, .. } => {
                    paid.iter().map(|(m, _)| *m).collect()
                }
                _ => Vec::new(),
            };
            to.into_iter().map(|u| dm(u, about.clone())).collect()
        }
        Outcome::Contacted { from, to, message } => vec![dm(
            *to,
            format!(
                "📨 <@{from}> found you with /find and writes: {message}\n(Turn contacts off by setting \"open to work\" to no in /profile → ✏️ Edit profile.)"
            ),
        )],
        Outcome::Tournament {
            tournament,
            name,
            step: TournamentStep::Paid { placings },
        } => placings
            .iter()
            .map(|(m, c)| {
                dm(
                    *m,
                    format!("🏆 You won {c} credits in tournament #{tournament} **{name}**!"),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A tournament step in words; whether it is announced publicly; whom it pings.
pub(super) fn tournament_text(
    tournament: studio_schema::TournamentId,
    name: &str,
    step: &TournamentStep,
) -> (String, bool, Vec<UserId>) {
    match step {
        TournamentStep::Created { prize, ends_at } => (
            format!(
                "🏆 Tournament #{tournament} **{name}** is open: {prize} credits in prizes (50/30/20 %). Enter with `/tournament enter id:{tournament}` before {}.",
                ends_at.format("%Y-%m-%d %H:%M UTC")
            ),
            true,
            Vec::new(),
        ),
        TournamentStep::Entered { entrants, .. } => (
            format!(
                "✅ You entered tournament #{tournament} **{name}** ({entrants} entrants so far). Good luck!"
            ),
            false,
            Vec::new(),
        ),
        TournamentStep::Paid { placings } => {
            let medals = ["🥇", "🥈", "🥉"];
            let lines: Vec<String> = placings
                .iter()
                .zip(medals)
                .map(|((m, c), medal)| format!("{medal} <@{m}> — {c} credits"))
                .collect();
            (
                format!(
                    "🏆 Tournament #{tournament} **{name}** results:\n{}",
                    lines.join("\n")
                ),
                true,
                placings.iter().map(|(m, _)| *m).collect(),
            )
        }
        TournamentStep::Cancelled { returned } => (
            format!(
                "🏆 Tournament #{tournament} **{name}** was cancelled; its {returned} credits went back."
            ),
            true,
            Vec::new(),
        ),
    }
}

/// A commission step in words.
#[must_use]
pub fn step_text(step: &Step) -> String {
    match step {
        Step::Offered {
            amount,
            deadline,
            description,
        } => format!(
            "offered for {amount} credits, due {}: {description}. The developer accepts with `/commission accept`.",
            deadline.format("%Y-%m-%d")
        ),
        Step::Accepted => "accepted. The client funds the escrow with `/commission fund`.".into(),
        Step::Funded { amount, fee } => {
            format!("funded: {amount} credits plus the {fee}-credit escrow fee are held in escrow.")
        }
        Step::Milestone { amount } => {
            format!("a milestone of {amount} credits was released to the developer.")
        }
        Step::Delivered { auto_release_at } => format!(
            "delivered. The client releases or disputes it; otherwise the escrow releases itself on {}.",
            auto_release_at.format("%Y-%m-%d %H:%M UTC")
        ),
        Step::Disputed { by } => {
            format!("disputed by <@{by}>. An admin resolves it with `/commission resolve`.")
        }
        Step::Settled {
            settlement,
            to_developer,
            to_client,
            fee,
        } => {
            let how = match settlement {
                Settlement::Released => "released by the client",
                Settlement::AutoReleased => "released automatically after the review window",
                Settlement::RefundedAfterDeadline => "refunded after the missed deadline",
                Settlement::Withdrawn => "withdrawn",
                Settlement::ResolvedRelease => "resolved by an admin for the developer",
                Settlement::ResolvedRefund => "resolved by an admin with a refund",
                Settlement::ResolvedSplit => "resolved by an admin with a split",
            };
            format!(
                "{how}: {to_developer} credits to the developer, {to_client} to the client, {fee} fee to the treasury."
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_code_with_fences_is_delivered_whole_within_discords_limits() {
        let code = "```".repeat(1_333) + "x";
        let embeds = code_embeds("t", &code);
        let delivered: String = embeds
            .iter()
            .filter_map(|e| e.description.as_deref())
            .map(|d| {
                d.trim_start_matches("```\n")
                    .trim_end_matches("\n```")
                    .to_owned()
            })
            .collect();
        assert_eq!(delivered.replace('\u{200b}', ""), code);
        let total: usize = embeds
            .iter()
            .map(|e| {
                e.title.as_deref().map_or(0, |t| t.chars().count())
                    + e.description.as_deref().map_or(0, |d| d.chars().count())
            })
            .sum();
        assert!(
            embeds
                .iter()
                .all(|e| e.description.as_deref().map_or(0, |d| d.chars().count()) <= 4096)
        );
        assert!(total <= 6000, "{total}");
    }
}
