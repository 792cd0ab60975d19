//! The slash commands Studio registers at start.

use crate::rules::economy as rules;
use crate::rules::settings as limits;
use twilight_model::application::command::{Command, CommandType};
use twilight_model::guild::Permissions;
use twilight_util::builder::command::{
    AttachmentBuilder, BooleanBuilder, ChannelBuilder, CommandBuilder, IntegerBuilder, RoleBuilder,
    StringBuilder, SubCommandBuilder, UserBuilder,
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
            "export",
            "Download data as a file: yours, or the server's XP (Manage Server)",
            CommandType::ChatInput,
        )
        .option(SubCommandBuilder::new(
            "me",
            "Your profile, XP and ledger as a JSON file (only you get it)",
        ))
        .option(SubCommandBuilder::new(
            "guild",
            "Every member's XP and level as CSV (Manage Server)",
        ))
        .build(),
        // The name members of other levelling bots type: the same profile, rank card first.
        CommandBuilder::new(
            "rank",
            "Show a member's rank card: level, XP, rank and reputation",
            CommandType::ChatInput,
        )
        .option(UserBuilder::new(
            "member",
            "Whose rank card (default: yours)",
        ))
        .build(),
        CommandBuilder::new(
            "leaderboard",
            "The members with the most XP (all time, week, month, season) or reputation",
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
        CommandBuilder::new(
            "balance",
            "Your studio credits and recent entries (only you see it)",
            CommandType::ChatInput,
        )
        .build(),
        CommandBuilder::new("pay", "Pay a member studio credits", CommandType::ChatInput)
            .option(UserBuilder::new("member", "Who to pay").required(true))
            .option(credits("amount", "How many credits"))
            .option(StringBuilder::new("note", "What it is for").max_length(len(rules::NOTE_CHARS)))
            .build(),
        CommandBuilder::new(
            "credits",
            "Grant or revoke studio credits (Manage Server)",
            CommandType::ChatInput,
        )
        .default_member_permissions(Permissions::MANAGE_GUILD)
        .option(credit_adjust(
            "grant",
            "Issue credits to a member from the mint",
        ))
        .option(credit_adjust(
            "revoke",
            "Take credits from a member into the treasury",
        ))
        .build(),
        CommandBuilder::new(
            "sell",
            "Put code up for sale on the marketplace",
            CommandType::ChatInput,
        )
        .build(),
        CommandBuilder::new(
            "shop",
            "The code marketplace, your listings, your history and your credits",
            CommandType::ChatInput,
        )
        .option(
            StringBuilder::new("language", "Only listings in this language or engine")
                .max_length(len(rules::LANGUAGE_CHARS)),
        )
        .build(),
        CommandBuilder::new(
            "market",
            "Feature a listing, or resolve a buyer's dispute",
            CommandType::ChatInput,
        )
        .option(
            SubCommandBuilder::new(
                "feature",
                "Feature your listing at the top of the marketplace",
            )
            .option(listing_option())
            .option(
                IntegerBuilder::new("days", "For how many days")
                    .min_value(1)
                    .max_value(rules::MAX_FEATURE_DAYS)
                    .required(true),
            ),
        )
        .option(
            SubCommandBuilder::new("resolve", "Resolve a buyer's dispute (Manage Server)")
                .option(listing_option())
                .option(UserBuilder::new("buyer", "The buyer who disputed").required(true))
                .option(
                    StringBuilder::new("decision", "Refund the buyer or reject the dispute")
                        .choices([("refund", "refund"), ("reject", "reject")])
                        .required(true),
                )
                .option(note("note", "Why (kept in the log)")),
        )
        .option(SubCommandBuilder::new(
            "disputes",
            "The buyers' open disputes (Manage Server)",
        ))
        .build(),
        CommandBuilder::new(
            "settings",
            "The server's rules for Studio (Manage Server)",
            CommandType::ChatInput,
        )
        .default_member_permissions(Permissions::MANAGE_GUILD)
        .option(
            SubCommandBuilder::new(
                "beginners-sell",
                "Let Beginners sell on the marketplace, or not",
            )
            .option(BooleanBuilder::new("allowed", "Whether Beginners may sell").required(true)),
        )
        .option(
            SubCommandBuilder::new(
                "prodev-role",
                "The role members of the Expert rank and above get (none: stop giving one)",
            )
            .option(RoleBuilder::new("role", "The Pro-Dev role")),
        )
        .option(SubCommandBuilder::new("show", "The rules in force"))
        .option(
            SubCommandBuilder::new(
                "rep-reaction",
                "The reaction that gives a message's author +1 reputation",
            )
            .option(
                StringBuilder::new("emoji", "An emoji, e.g. ⭐ or a custom one of the server")
                    .max_length(len(crate::rules::reputation::REACTION_CHARS))
                    .required(true),
            ),
        )
        .option(
            SubCommandBuilder::new(
                "rank-role",
                "The role members of a rank and above get (none: stop giving one)",
            )
            .option(
                StringBuilder::new("rank", "The rank")
                    .choices([
                        ("Learner", "Learner"),
                        ("Expert", "Expert"),
                        ("Master", "Master"),
                    ])
                    .required(true),
            )
            .option(RoleBuilder::new("role", "The role")),
        )
        .option(
            SubCommandBuilder::new(
                "level-role",
                "The role members get on reaching a level (no role: stop giving one)",
            )
            .option(
                IntegerBuilder::new("level", "The level")
                    .min_value(2)
                    .max_value(limits::MAX_ROLE_LEVEL)
                    .required(true),
            )
            .option(RoleBuilder::new("role", "The role")),
        )
        .option(
            SubCommandBuilder::new(
                "xp-role",
                "How much XP a role's messages earn (0: none, 150: half as much again, 100: as everyone)",
            )
            .option(RoleBuilder::new("role", "The role").required(true))
            .option(
                IntegerBuilder::new("percent", "Percent of the usual XP")
                    .min_value(0)
                    .max_value(limits::MAX_XP_PERCENT)
                    .required(true),
            ),
        )
        .option(
            SubCommandBuilder::new("xp", "XP per message and the cooldown between rewards")
                .option(
                    IntegerBuilder::new("per_message", "XP a message earns")
                        .min_value(0)
                        .max_value(limits::MAX_MESSAGE_XP),
                )
                .option(
                    IntegerBuilder::new("cooldown_seconds", "Seconds between rewarded messages")
                        .min_value(0)
                        .max_value(limits::MAX_COOLDOWN_SECS),
                )
                .option(preview_option()),
        )
        .option(
            SubCommandBuilder::new(
                "no-xp",
                "Messages in a channel earn no XP, or earn it again",
            )
            .option(ChannelBuilder::new("channel", "The channel").required(true))
            .option(
                BooleanBuilder::new("without_xp", "True: no XP there; false: XP again")
                    .required(true),
            ),
        )
        .option(
            SubCommandBuilder::new(
                "level-up-channel",
                "Where level-ups are announced (none: where they happen)",
            )
            .option(ChannelBuilder::new("channel", "The channel")),
        )
        .option(
            SubCommandBuilder::new(
                "audit-channel",
                "Where Studio posts its log's chain head for auditors (none: nowhere)",
            )
            .option(ChannelBuilder::new("channel", "The channel")),
        )
        .option(
            SubCommandBuilder::new("tax", "Marketplace tax in percent by the seller's rank")
                .option(bounded("beginner", "Percent", limits::MAX_TAX_PERCENT))
                .option(bounded("learner", "Percent", limits::MAX_TAX_PERCENT))
                .option(bounded("expert", "Percent", limits::MAX_TAX_PERCENT))
                .option(bounded("master", "Percent", limits::MAX_TAX_PERCENT))
                .option(preview_option()),
        )
        .option(
            SubCommandBuilder::new("quest-rewards", "Credits daily quests pay by difficulty")
                .option(bounded("easy", "Credits", limits::MAX_QUEST_REWARD))
                .option(bounded("medium", "Credits", limits::MAX_QUEST_REWARD))
                .option(bounded("hard", "Credits", limits::MAX_QUEST_REWARD))
                .option(preview_option()),
        )
        .option(
            SubCommandBuilder::new("ranks", "Months in the server each rank needs")
                .option(bounded(
                    "learner",
                    "Months in the server",
                    limits::MAX_RANK_MONTHS,
                ))
                .option(bounded(
                    "expert",
                    "Months in the server",
                    limits::MAX_RANK_MONTHS,
                ))
                .option(bounded(
                    "master",
                    "Months in the server",
                    limits::MAX_RANK_MONTHS,
                ))
                .option(preview_option()),
        )
        .option(
            SubCommandBuilder::new("team-fee", "What creating a team costs").option(
                IntegerBuilder::new("amount", "Credits, to the treasury")
                    .min_value(0)
                    .max_value(limits::MAX_TEAM_FEE)
                    .required(true),
            ),
        )
        .option(
            SubCommandBuilder::new(
                "listing-days",
                "Days a listing stays on sale before its seller must renew it (0: forever)",
            )
            .option(
                IntegerBuilder::new("days", "Days")
                    .min_value(0)
                    .max_value(limits::MAX_LISTING_DAYS)
                    .required(true),
            ),
        )
        .build(),
        commission(),
        CommandBuilder::new(
            "help",
            "Every command with its options and an example",
            CommandType::ChatInput,
        )
        .option(
            StringBuilder::new("command", "Only this command").choices(
                super::help::ENTRIES
                    .iter()
                    .map(|e| (e.name, e.name))
                    .collect::<Vec<_>>(),
            ),
        )
        .build(),
        CommandBuilder::new(
            "rep",
            "Give a member +1 reputation for their help (once a day each)",
            CommandType::ChatInput,
        )
        .option(UserBuilder::new("member", "Who helped you").required(true))
        .option(
            StringBuilder::new("reason", "What they did")
                .max_length(len(crate::rules::reputation::REASON_CHARS)),
        )
        .build(),
        tournament(),
        season(),
        CommandBuilder::new(
            "teams",
            "Teams: create one, see yours, browse and join",
            CommandType::ChatInput,
        )
        .build(),
        team(),
        CommandBuilder::new(
            "spotlight",
            "Premium (Master rank): showcase your work to the whole server",
            CommandType::ChatInput,
        )
        .option(
            StringBuilder::new("text", "What to show: your game, your tool, your links")
                .max_length(len(crate::rules::premium::SPOTLIGHT_CHARS))
                .required(true),
        )
        .build(),
        CommandBuilder::new(
            "daily",
            "Today's quest: do it, claim credits and XP, keep your streak",
            CommandType::ChatInput,
        )
        .build(),
        CommandBuilder::new(
            "find",
            "Find members open to work by role and experience",
            CommandType::ChatInput,
        )
        .option(
            StringBuilder::new("role", "Their primary role")
                .choices(crate::rules::profile::ROLES.map(|r| (r, r)))
                .required(true),
        )
        .option(
            IntegerBuilder::new("min_years", "At least this many years of experience")
                .min_value(0)
                .max_value(crate::rules::profile::MAX_YEARS),
        )
        .build(),
        CommandBuilder::new(
            "rep-purge",
            "Remove every reputation point an account gave (Manage Server)",
            CommandType::ChatInput,
        )
        .default_member_permissions(Permissions::MANAGE_GUILD)
        .option(UserBuilder::new("giver", "The account (an alt, say)").required(true))
        .option(note("reason", "Why (kept in the log)"))
        .build(),
        CommandBuilder::new(
            "undo",
            "Undo an admin action by its position in the log (Manage Server)",
            CommandType::ChatInput,
        )
        .default_member_permissions(Permissions::MANAGE_GUILD)
        .option(
            IntegerBuilder::new("position", "The action's position (guild_seq) in the log")
                .min_value(1)
                .required(true),
        )
        .option(
            StringBuilder::new("reason", "Why (kept in the log)")
                .max_length(len(crate::rules::undo::REASON_CHARS))
                .required(true),
        )
        .build(),
        CommandBuilder::new(
            "import",
            "Import members' levels from another bot's export (Manage Server)",
            CommandType::ChatInput,
        )
        .default_member_permissions(Permissions::MANAGE_GUILD)
        .option(
            StringBuilder::new("format", "The file's format")
                .choices([
                    ("MEE6 leaderboard JSON", "mee6"),
                    ("CSV: member id, XP[, credits]", "csv"),
                ])
                .required(true),
        )
        .option(AttachmentBuilder::new("file", "The export file").required(true))
        .build(),
    ]
}

fn len(chars: usize) -> u16 {
    u16::try_from(chars).unwrap_or(u16::MAX)
}

fn credits(name: &str, description: &str) -> IntegerBuilder {
    IntegerBuilder::new(name, description)
        .min_value(1)
        .max_value(rules::MAX_AMOUNT.0)
        .required(true)
}

fn note(name: &str, description: &str) -> StringBuilder {
    StringBuilder::new(name, description)
        .max_length(len(rules::NOTE_CHARS))
        .required(true)
}

fn listing_option() -> IntegerBuilder {
    IntegerBuilder::new("listing", "The listing's number")
        .min_value(1)
        .required(true)
}

fn commission_option() -> IntegerBuilder {
    IntegerBuilder::new("id", "The commission's number")
        .min_value(1)
        .required(true)
}

fn credit_adjust(name: &str, description: &str) -> SubCommandBuilder {
    SubCommandBuilder::new(name, description)
        .option(UserBuilder::new("member", "The member").required(true))
        .option(credits("amount", "How many credits"))
        .option(note("reason", "Why (kept in the ledger)"))
}

/// `preview`: see what a rule change would change now, privately, without making it.
fn preview_option() -> BooleanBuilder {
    BooleanBuilder::new(
        "preview",
        "True: only show (privately) what this would change now; nothing changes",
    )
}

/// A required whole number from 0 to `max`.
fn bounded(name: &'static str, what: &'static str, max: i64) -> IntegerBuilder {
    IntegerBuilder::new(name, what)
        .min_value(0)
        .max_value(max)
        .required(true)
}

fn team_id() -> IntegerBuilder {
    IntegerBuilder::new("team", "The team's number (see /teams)")
        .min_value(1)
        .required(true)
}

fn team_member(what: &'static str) -> UserBuilder {
    UserBuilder::new("member", what).required(true)
}

fn credits_option(what: &'static str) -> IntegerBuilder {
    IntegerBuilder::new("amount", what)
        .min_value(1)
        .max_value(rules::MAX_AMOUNT.0)
        .required(true)
}

fn team() -> Command {
    let sub = |name: &'static str, what: &'static str| {
        SubCommandBuilder::new(name, what).option(team_id())
    };
    let milestone = || {
        IntegerBuilder::new("milestone", "The milestone's number")
            .min_value(1)
            .required(true)
    };
    CommandBuilder::new("team", "Act in a team", CommandType::ChatInput)
        .option(sub(
            "join",
            "Join an open team, accept an invite, or ask to join",
        ))
        .option(sub("leave", "Leave a team"))
        .option(sub("invite", "Invite a member (owner)").option(team_member("Who")))
        .option(sub("accept", "Accept a member's request (owner)").option(team_member("Who")))
        .option(sub("decline", "Decline a member's request (owner)").option(team_member("Who")))
        .option(sub("kick", "Remove a member (owner)").option(team_member("Who")))
        .option(
            sub("transfer", "Hand the team to a member (owner)")
                .option(team_member("The new owner")),
        )
        .option(sub(
            "disband",
            "Disband the team; the wallet is shared out equally (owner)",
        ))
        .option(sub("deposit", "Put credits in the team wallet").option(credits_option("Credits")))
        .option(
            sub("pay", "Pay a member from the wallet (owner)")
                .option(team_member("Who"))
                .option(credits_option("Credits"))
                .option(
                    StringBuilder::new("note", "What for")
                        .max_length(len(rules::NOTE_CHARS))
                        .required(true),
                ),
        )
        .option(
            sub("spend", "Spend from the wallet, to the server (owner)")
                .option(credits_option("Credits"))
                .option(
                    StringBuilder::new("note", "What for")
                        .max_length(len(rules::NOTE_CHARS))
                        .required(true),
                ),
        )
        .option(
            sub(
                "milestone",
                "Add a milestone with a reward per member (owner)",
            )
            .option(
                StringBuilder::new("title", "The milestone")
                    .max_length(100)
                    .required(true),
            )
            .option(
                IntegerBuilder::new("reward", "Credits each member gets when it is done")
                    .min_value(0)
                    .max_value(rules::MAX_AMOUNT.0),
            ),
        )
        .option(
            sub(
                "complete",
                "Mark a milestone done and pay its rewards (owner)",
            )
            .option(milestone()),
        )
        .option(sub("reopen", "Reopen a milestone (owner)").option(milestone()))
        .build()
}

fn tournament() -> Command {
    let id = || {
        IntegerBuilder::new("id", "The tournament's number")
            .min_value(1)
            .required(true)
    };
    CommandBuilder::new(
        "tournament",
        "Tournaments with credit prizes",
        CommandType::ChatInput,
    )
    .option(SubCommandBuilder::new("list", "The server's tournaments"))
    .option(SubCommandBuilder::new("enter", "Enter a tournament").option(id()))
    .option(
        SubCommandBuilder::new("create", "Open a tournament (Manage Server)")
            .option(
                StringBuilder::new("name", "Its name")
                    .max_length(len(crate::rules::tournament::NAME_CHARS))
                    .required(true),
            )
            .option(
                IntegerBuilder::new("prize", "The prize pool, split 50/30/20")
                    .min_value(crate::rules::tournament::MIN_PRIZE.0)
                    .max_value(rules::MAX_AMOUNT.0)
                    .required(true),
            )
            .option(
                IntegerBuilder::new("days", "Days it takes entries")
                    .min_value(1)
                    .max_value(crate::rules::tournament::MAX_DAYS)
                    .required(true),
            )
            .option(
                StringBuilder::new("from", "Where the pool comes from (default: the mint)")
                    .choices([("mint", "mint"), ("treasury", "treasury")]),
            ),
    )
    .option(
        SubCommandBuilder::new(
            "results",
            "Record the placings and pay the prizes (Manage Server)",
        )
        .option(id())
        .option(UserBuilder::new("first", "First place").required(true))
        .option(UserBuilder::new("second", "Second place"))
        .option(UserBuilder::new("third", "Third place")),
    )
    .option(
        SubCommandBuilder::new(
            "cancel",
            "Cancel a tournament; its pool goes back (Manage Server)",
        )
        .option(id()),
    )
    .build()
}

/// `/season`: everyone sees the season in force; only admins start one (the decider refuses anyone
/// else), so the command is listed to every member.
fn season() -> Command {
    CommandBuilder::new(
        "season",
        "The leaderboard's season: which one is on, or start the next",
        CommandType::ChatInput,
    )
    .option(SubCommandBuilder::new(
        "show",
        "The season in force, its name and since when",
    ))
    .option(
        SubCommandBuilder::new(
            "start",
            "Start the next season; nothing is reset (Manage Server)",
        )
        .option(
            StringBuilder::new("name", "The season's name")
                .max_length(len(crate::rules::season::NAME_CHARS))
                .required(true),
        ),
    )
    .build()
}

fn commission() -> Command {
    let step = |name: &str, description: &str| {
        SubCommandBuilder::new(name, description).option(commission_option())
    };
    CommandBuilder::new(
        "commission",
        "Hire a member with credits held in escrow",
        CommandType::ChatInput,
    )
    .option(
        SubCommandBuilder::new("offer", "Offer a member paid work")
            .option(UserBuilder::new("developer", "Who you want to hire").required(true))
            .option(credits(
                "amount",
                "What you will pay (plus the 15 % escrow fee)",
            ))
            .option(
                IntegerBuilder::new("deadline_days", "Days until the deadline")
                    .min_value(1)
                    .max_value(rules::MAX_DEADLINE_DAYS)
                    .required(true),
            )
            .option(
                StringBuilder::new("description", "The work")
                    .max_length(len(rules::DESCRIPTION_CHARS))
                    .required(true),
            ),
    )
    .option(SubCommandBuilder::new(
        "list",
        "Your commissions, as client or developer",
    ))
    .option(step("accept", "Accept an offer made to you"))
    .option(step("fund", "Put the amount and the fee into escrow"))
    .option(
        step("milestone", "Release part of the escrow to the developer")
            .option(credits("amount", "How many credits"))
            .option(note("note", "What the milestone was")),
    )
    .option(step("deliver", "Tell the client the work is delivered"))
    .option(step("release", "Release the escrow to the developer"))
    .option(step(
        "cancel",
        "Withdraw before funding, or get a full refund after a missed deadline",
    ))
    .option(step("dispute", "Ask an admin to decide").option(note("reason", "What went wrong")))
    .option(
        step("resolve", "Resolve a disputed commission (Manage Server)")
            .option(
                StringBuilder::new(
                    "decision",
                    "Release to the developer, refund the client, or split",
                )
                .choices([
                    ("release", "release"),
                    ("refund", "refund"),
                    ("split", "split"),
                ])
                .required(true),
            )
            .option(
                IntegerBuilder::new("developer_percent", "For a split: the developer's share")
                    .min_value(0)
                    .max_value(100),
            ),
    )
    .build()
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
