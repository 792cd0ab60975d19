//! `/help`: every command with its options and an example — the one place usage is written. A
//! command used with input Studio cannot accept answers with its entry here.

use super::render::truncate;
use twilight_model::channel::message::Embed;
use twilight_util::builder::embed::{EmbedBuilder, EmbedFieldBuilder, EmbedFooterBuilder};

/// One command's help.
pub struct Entry {
    pub name: &'static str,
    pub usage: &'static str,
    pub what: &'static str,
    pub example: &'static str,
    /// Needs the Manage Server permission.
    pub admin: bool,
}

/// Every command, in the order `/help` lists them.
pub const ENTRIES: &[Entry] = &[
    Entry {
        name: "profile",
        usage: "/profile [member]",
        what: "Your rank card and stats; Portfolio and Rank Info. On your own, ✏️ Edit profile sets your role, years, skills, links and whether you are open to work.",
        example: "/profile member:@alice",
        admin: false,
    },
    Entry {
        name: "export",
        usage: "/export me | /export guild",
        what: "Your own data as a JSON file only you get; admins: every member's XP as CSV.",
        example: "/export me",
        admin: false,
    },
    Entry {
        name: "rank",
        usage: "/rank [member]",
        what: "The same as /profile.",
        example: "/rank member:@alice",
        admin: false,
    },
    Entry {
        name: "leaderboard",
        usage: "/leaderboard",
        what: "The members with the most XP: all time, this week, this month (UTC) and this season.",
        example: "/leaderboard",
        admin: false,
    },
    Entry {
        name: "rep",
        usage: "/rep member [reason]",
        what: "Give a member +1 reputation (once a day each, 5 a day). A ⭐ reaction on a helpful message does the same.",
        example: "/rep member:@alice reason:fixed my shader",
        admin: false,
    },
    Entry {
        name: "balance",
        usage: "/balance",
        what: "Your studio credits and latest entries, privately.",
        example: "/balance",
        admin: false,
    },
    Entry {
        name: "pay",
        usage: "/pay member amount [note]",
        what: "Pay a member credits (1 to 1 000 000).",
        example: "/pay member:@alice amount:50 note:art pack",
        admin: false,
    },
    Entry {
        name: "sell",
        usage: "/sell",
        what: "Put code up for sale (a form: title, description, language, price, code). Needs the Learner rank.",
        example: "/sell",
        admin: false,
    },
    Entry {
        name: "shop",
        usage: "/shop [language]",
        what: "The marketplace, your listings, your history and your credits, with Buy, Edit, Delist, Review, Dispute and Refund buttons.",
        example: "/shop language:rust",
        admin: false,
    },
    Entry {
        name: "market",
        usage: "/market feature listing days",
        what: "Feature your listing (50 credits a day, up to 7 days). Admins: `disputes`, `resolve listing buyer refund|reject note`.",
        example: "/market feature listing:3 days:2",
        admin: false,
    },
    Entry {
        name: "commission",
        usage: "/commission offer developer amount deadline_days description",
        what: "Hire a member with credits in escrow (15 % fee); then `accept`, `fund`, `milestone`, `deliver`, `release`, `cancel`, `dispute`, `list` with the commission's id. Admins: `resolve`.",
        example: "/commission offer developer:@bob amount:500 deadline_days:14 description:boss fight",
        admin: false,
    },
    Entry {
        name: "tournament",
        usage: "/tournament list | enter id",
        what: "See and enter tournaments. Admins: `create name prize days [from]` (pool of 500+ from the mint or the treasury), `results id first [second] [third]` (paid 50/30/20 %), `cancel id`.",
        example: "/tournament enter id:1",
        admin: false,
    },
    Entry {
        name: "season",
        usage: "/season show | start name",
        what: "The season in force, its name and since when; its leaderboard counts the XP earned since. Admins: `start name` starts the next season (nothing is reset: all-time XP stays).",
        example: "/season show",
        admin: false,
    },
    Entry {
        name: "teams",
        usage: "/teams",
        what: "Your teams and every team (privately): ➕ Create team (a form: name, what you make, open or invite only; costs the team fee), 👥 My Teams with progress, wallet, milestones and members, 🔍 Browse with Join buttons. Each team gets a private channel for its members.",
        example: "/teams",
        admin: false,
    },
    Entry {
        name: "team",
        usage: "/team join|leave|disband team · invite|accept|decline|kick|transfer team member · deposit team amount · pay team member amount note · spend team amount note · milestone team title [reward] · complete|reopen team milestone",
        what: "Act in a team. Members join (open teams), accept an invite or ask to join; deposit into the shared wallet; leave. The owner invites, accepts or declines requests, kicks, transfers ownership, pays members or spends from the wallet, adds milestones with a reward per member, completes them (paying every member from the wallet) or reopens them, and disbands (the wallet is shared out equally among the members, the remainder to the owner).",
        example: "/team deposit team:1 amount:100",
        admin: false,
    },
    Entry {
        name: "spotlight",
        usage: "/spotlight text",
        what: "Premium, from the Master rank: a public showcase of your work in the channel, once a week, for 200 credits to the treasury.",
        example: "/spotlight text:Our jam game is out on itch.io!",
        admin: false,
    },
    Entry {
        name: "daily",
        usage: "/daily",
        what: "Your quest for today (UTC): send messages, review code you bought, or help someone until they thank you with /rep or the reputation reaction. When it is done, 🎁 Claim pays 50–150 credits by difficulty and 50 XP; each consecutive day adds 10 % (up to +50 %).",
        example: "/daily",
        admin: false,
    },
    Entry {
        name: "find",
        usage: "/find role [min_years]",
        what: "Members open to work in a role, most experienced and best rated first, with a Contact button (your message goes by DM). Set up your own profile from /profile → ✏️ Edit profile.",
        example: "/find role:Artist min_years:2",
        admin: false,
    },
    Entry {
        name: "help",
        usage: "/help [command]",
        what: "This list, or one command's help.",
        example: "/help command:pay",
        admin: false,
    },
    Entry {
        name: "xp",
        usage: "/xp give|remove member amount reason",
        what: "Give or remove XP.",
        example: "/xp give member:@alice amount:50 reason:great demo",
        admin: true,
    },
    Entry {
        name: "credits",
        usage: "/credits grant|revoke member amount reason",
        what: "Issue credits from the mint, or take them into the treasury.",
        example: "/credits grant member:@alice amount:500 reason:jam prize",
        admin: true,
    },
    Entry {
        name: "settings",
        usage: "/settings show | xp [per_message] [cooldown_seconds] [preview] | no-xp channel without_xp | level-up-channel [channel] | audit-channel [channel] | tax beginner learner expert master [preview] | quest-rewards easy medium hard [preview] | team-fee amount | ranks learner expert master [preview] | rank-role rank [role] | rep-reaction emoji | beginners-sell allowed | prodev-role [role]",
        what: "The server's rules: XP per message and its cooldown, channels without XP, where level-ups are announced, marketplace tax by rank (0–50 %), daily quest rewards, the team fee, the months each rank needs, a role for each rank, the reaction that gives reputation, whether Beginners sell, the Pro-Dev role; changing a role gives the new one and takes the old one from the members who hold it. A change counts from the moment it is made; what was earned before stays. With preview:true, xp, tax, quest-rewards and ranks change nothing and show you privately what they would do now: whose rank moves, and the last 30 days' taxes, quest rewards and message XP under the new rules.",
        example: "/settings xp per_message:10 cooldown_seconds:30",
        admin: true,
    },
    Entry {
        name: "rep-purge",
        usage: "/rep-purge giver reason",
        what: "Remove every reputation point an account gave.",
        example: "/rep-purge giver:@alt reason:alt account",
        admin: true,
    },
    Entry {
        name: "undo",
        usage: "/undo position reason",
        what: "Undo an admin action (XP, credits, a reputation purge, settings, a tournament result, a dispute decision) by its log position: Studio appends events that reverse it, never overdrawing. Its answer has an Undo button (15 min).",
        example: "/undo position:1234 reason:granted to the wrong member",
        admin: true,
    },
    Entry {
        name: "import",
        usage: "/import format file",
        what: "Levels from a MEE6 leaderboard JSON or a CSV (id, XP[, credits]); undo takes it back whole.",
        example: "/import format:mee6 file:levels.json",
        admin: true,
    },
];

/// The entry of `name`, if Studio has that command.
#[must_use]
pub fn entry(name: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.name == name)
}

/// One line of usage with an example, for an error answer.
#[must_use]
pub fn usage(name: &str) -> String {
    entry(name).map_or_else(
        || "Try /help for the list of commands.".to_owned(),
        |e| {
            let admin = if e.admin {
                " Needs the Manage Server permission."
            } else {
                ""
            };
            format!("Usage: `{}` — for example `{}`.{admin}", e.usage, e.example)
        },
    )
}

/// The `/help` embed: every command, or one.
#[must_use]
pub fn embed(only: Option<&str>) -> Embed {
    let chosen: Vec<&Entry> = match only.and_then(entry) {
        Some(e) => vec![e],
        None => ENTRIES.iter().collect(),
    };
    let mut e = EmbedBuilder::new()
        .title("📖 Studio's commands")
        .color(0x0058_65F2);
    for entry in chosen {
        let admin = if entry.admin { " · Manage Server" } else { "" };
        e = e.field(EmbedFieldBuilder::new(
            truncate(&format!("{}{admin}", entry.usage), 256),
            truncate(
                &format!("{}\nExample: `{}`", entry.what, entry.example),
                1024,
            ),
        ));
    }
    e.footer(EmbedFooterBuilder::new(
        "Private views and errors are only shown to you. Balances and purchased code never appear in public.",
    ))
    .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_command_has_help_and_the_list_fits_an_embed() {
        for command in super::super::commands::all() {
            assert!(
                entry(&command.name).is_some(),
                "/{} has no help",
                command.name
            );
        }
        let e = embed(None);
        let total: usize = e
            .fields
            .iter()
            .map(|f| f.name.chars().count() + f.value.chars().count())
            .sum::<usize>()
            + e.title.as_deref().map_or(0, str::len)
            + e.footer.as_ref().map_or(0, |f| f.text.chars().count());
        assert!(e.fields.len() <= 25 && total <= 6000, "{total}");
    }
}
