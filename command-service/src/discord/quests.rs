//! The `/daily` board: today's quest, its progress, the reward with the streak, and Claim.

use super::custom_id::Action;
use super::render::truncate;
use crate::rules::quest::QUEST_XP;
use crate::rules::xp::progress_bar;
use studio_schema::UserId;
use twilight_model::channel::message::MessageFlags;
use twilight_model::channel::message::component::{ActionRow, ButtonStyle, Component};
use twilight_model::http::interaction::InteractionResponse;
use twilight_util::builder::embed::{EmbedBuilder, EmbedFieldBuilder};
use twilight_util::builder::message::ButtonBuilder;

/// A member's quest of the day and how far they are (an [`crate::domain::Outcome::Quest`]).
pub struct Board<'a> {
    pub member: UserId,
    pub task: &'a str,
    pub progress: u32,
    pub target: u32,
    pub reward: i64,
    pub streak: u32,
    pub claimed: bool,
}

/// The quest board, privately.
#[must_use]
pub fn board(quest: &Board<'_>) -> InteractionResponse {
    let Board {
        member,
        task,
        progress,
        target,
        reward,
        streak,
        claimed,
    } = quest;
    let done = progress >= target;
    let status = if *claimed {
        "✅ Claimed. A new quest comes tomorrow (UTC).".to_owned()
    } else if done {
        "🎉 Done! Claim your reward.".to_owned()
    } else {
        "Keep going — progress counts as you play.".to_owned()
    };
    let streak_text = if *streak > 1 {
        format!("🔥 {streak} days in a row (bonus included)")
    } else {
        "Claim on consecutive days for a bonus".to_owned()
    };
    let embed = EmbedBuilder::new()
        .title("🗓️ Your daily quest")
        .color(0x00F1_C40F)
        .description(truncate(task, 300))
        .field(EmbedFieldBuilder::new(
            "Progress",
            format!(
                "{} {}/{}",
                progress_bar(i64::from(*progress), i64::from(*target), 10),
                progress.min(target),
                target
            ),
        ))
        .field(
            EmbedFieldBuilder::new(
                "Reward",
                format!("💰 {reward} credits and {} XP", QUEST_XP.0),
            )
            .inline(),
        )
        .field(EmbedFieldBuilder::new("Streak", streak_text).inline())
        .field(EmbedFieldBuilder::new("Status", status))
        .build();
    let claim = ButtonBuilder::new(ButtonStyle::Success)
        .label("🎁 Claim")
        .custom_id(Action::ClaimQuest { owner: *member }.to_string())
        .disabled(!done || *claimed)
        .build();
    super::mentions::reply(&super::mentions::Pings::nobody())
        .embeds([embed])
        .components([Component::ActionRow(ActionRow {
            components: vec![claim.into()],
            id: None,
        })])
        .flags(MessageFlags::EPHEMERAL)
        .build()
}
