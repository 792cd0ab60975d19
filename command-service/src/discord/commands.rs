//! The slash commands Studio registers at start.

use twilight_model::application::command::{Command, CommandType};
use twilight_model::guild::Permissions;
use twilight_util::builder::command::{
    CommandBuilder, IntegerBuilder, StringBuilder, SubCommandBuilder, UserBuilder,
};

/// Every slash command, as registered with Discord.
#[must_use]
pub fn all() -> Vec<Command> {
    vec![
        CommandBuilder::new(
            "profile",
            "Show a member's XP, level, rank and time in the server",
            CommandType::ChatInput,
        )
        .option(UserBuilder::new("member", "Whose profile (default: yours)"))
        .build(),
        CommandBuilder::new(
            "leaderboard",
            "The members with the most XP, all time and this week",
            CommandType::ChatInput,
        )
        .build(),
        CommandBuilder::new(
            "xp",
            "Give or remove XP (Manage Server)",
            CommandType::ChatInput,
        )
        .default_member_permissions(Permissions::MANAGE_GUILD)
        .option(adjust("give", "Give a member XP"))
        .option(adjust("remove", "Remove XP from a member"))
        .build(),
    ]
}

fn adjust(name: &str, description: &str) -> SubCommandBuilder {
    SubCommandBuilder::new(name, description)
        .option(UserBuilder::new("member", "The member").required(true))
        .option(
            IntegerBuilder::new("amount", "How much XP")
                .min_value(1)
                .max_value(crate::rules::xp::MAX_ADJUSTMENT)
                .required(true),
        )
        .option(
            StringBuilder::new("reason", "Why (kept in the log)")
                .max_length(u16::try_from(crate::domain::MAX_REASON_CHARS).unwrap_or(200))
                .required(true),
        )
}
