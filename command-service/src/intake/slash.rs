//! Slash commands that change state, read into [`Command`]s, and the subcommands of theirs that
//! only show views, read into [`Query`]s. Options are checked for shape here (a forged payload may
//! carry anything); the rules check their values.

use super::Asked;
use crate::domain::{
    Command, Commission, Import, ImportFile, Market, Resolution, TeamCmd, TournamentCmd, Undo,
    UndoTarget, Upload,
};
use crate::query::Query;
use crate::rules::roles::{Chooser, RoleFacts};
use studio_schema::money::TeamId;
use studio_schema::settings::SettingsChange;
use studio_schema::{CommissionId, ListingId, TournamentId, UserId};
use twilight_model::application::interaction::Interaction;
use twilight_model::application::interaction::application_command::{
    CommandData, CommandDataOption, CommandOptionValue,
};
use twilight_model::guild::Permissions;

/// When Discord created the interaction (its snowflake's time): the day a reputation point counts for.
pub fn created_at(i: &Interaction) -> chrono::DateTime<chrono::Utc> {
    use twilight_util::snowflake::Snowflake;
    chrono::DateTime::from_timestamp_millis(i.id.timestamp()).unwrap_or_default()
}

/// The options of a command or subcommand. Built only by [`Options::checked`], so every string
/// read from it is text Studio can store.
struct Options<'a>(&'a [CommandDataOption]);

impl<'a> Options<'a> {
    /// A command's options, once every string among them (at any depth, read or not) passed the
    /// one rule for member text, [`crate::rules::text`].
    ///
    /// # Errors
    /// The refusal naming the first option whose text Studio cannot store.
    fn checked(options: &'a [CommandDataOption]) -> Result<Self, String> {
        fn walk(options: &[CommandDataOption]) -> Result<(), String> {
            for o in options {
                match &o.value {
                    CommandOptionValue::String(s) | CommandOptionValue::Focused(s, _) => {
                        crate::rules::text::check(&o.name, s)?;
                    }
                    CommandOptionValue::SubCommand(inner)
                    | CommandOptionValue::SubCommandGroup(inner) => walk(inner)?,
                    _ => {}
                }
            }
            Ok(())
        }
        walk(options)?;
        Ok(Self(options))
    }

    fn value(&self, name: &str) -> Option<&'a CommandOptionValue> {
        self.0.iter().find(|o| o.name == name).map(|o| &o.value)
    }

    fn user(&self, name: &str) -> Option<UserId> {
        match self.value(name)? {
            CommandOptionValue::User(u) => super::user(*u),
            _ => None,
        }
    }

    fn int(&self, name: &str) -> Option<i64> {
        match self.value(name)? {
            CommandOptionValue::Integer(n) => Some(*n),
            _ => None,
        }
    }

    fn text(&self, name: &str) -> Option<&'a str> {
        match self.value(name)? {
            CommandOptionValue::String(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The one subcommand and its options.
    fn sub(&self) -> Option<(&'a str, Options<'a>)> {
        match self.0 {
            [only] => match &only.value {
                CommandOptionValue::SubCommand(options) => {
                    Some((only.name.as_str(), Options(options)))
                }
                _ => None,
            },
            _ => None,
        }
    }
}

pub(super) fn can_manage_guild(i: &Interaction) -> bool {
    let p = i
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .unwrap_or(Permissions::empty());
    p.contains(Permissions::MANAGE_GUILD) || p.contains(Permissions::ADMINISTRATOR)
}

fn is_bot(data: &CommandData, user: UserId) -> bool {
    data.resolved
        .as_ref()
        .and_then(|r| r.users.iter().find(|(id, _)| id.get() == user.get()))
        .is_some_and(|(_, u)| u.bot)
}

fn usage(command: &str) -> String {
    format!(
        "❌ I could not read that command.\n{}",
        crate::discord::help::usage(command)
    )
}

/// The command a state-changing slash command asks for, or the query of one of its subcommands
/// that only shows views; `Err` with a private explanation for one that cannot be read.
///
/// # Errors
/// The options are not the ones Studio registered.
pub fn read(i: &Interaction, data: &CommandData, actor: UserId) -> Result<Asked, String> {
    let options = Options::checked(&data.options).map_err(|refusal| {
        format!(
            "{refusal}\n{}",
            crate::discord::help::usage(data.name.as_str())
        )
    })?;
    let command = match data.name.as_str() {
        "xp" => adjust_xp(i, data, &options, actor).ok_or_else(|| usage("xp"))?,
        "pay" => (|| {
            let to = options.user("member")?;
            Some(Command::Pay {
                from: actor,
                to,
                to_is_bot: is_bot(data, to),
                amount: options.int("amount")?,
                note: options.text("note").map(str::to_owned),
            })
        })()
        .ok_or_else(|| usage("pay"))?,
        "credits" => (|| {
            let (sub, o) = options.sub()?;
            let member = o.user("member")?;
            Some(Command::AdjustCredits {
                actor,
                actor_can_manage_guild: can_manage_guild(i),
                member,
                member_is_bot: is_bot(data, member),
                amount: o.int("amount")?,
                grant: match sub {
                    "grant" => true,
                    "revoke" => false,
                    _ => return None,
                },
                reason: o.text("reason")?.to_owned(),
            })
        })()
        .ok_or_else(|| usage("credits"))?,
        "team" => team(&options, actor).ok_or_else(|| usage("team"))?,
        "spotlight" => Command::Spotlight {
            member: actor,
            text: options
                .text("text")
                .ok_or_else(|| usage("spotlight"))?
                .to_owned(),
            at: created_at(i),
        },
        "daily" => Command::Daily {
            member: actor,
            at: created_at(i),
            // Drawn here, once: the decider writes it into the quest it assigns.
            roll: uuid::Uuid::new_v4().as_u64_pair().0,
        },
        "rep" => (|| {
            let receiver = options.user("member")?;
            Some(Command::GiveRep {
                giver: actor,
                receiver,
                receiver_is_bot: is_bot(data, receiver),
                at: created_at(i),
                message: None,
                reason: options.text("reason").map(str::to_owned),
            })
        })()
        .ok_or_else(|| usage("rep"))?,
        "rep-purge" => (|| {
            Some(Command::PurgeRep {
                actor,
                actor_can_manage_guild: can_manage_guild(i),
                giver: options.user("giver")?,
                reason: options.text("reason")?.to_owned(),
            })
        })()
        .ok_or_else(|| usage("rep-purge"))?,
        "undo" => (|| {
            Some(Command::Undo(Box::new(Undo {
                actor,
                actor_can_manage_guild: can_manage_guild(i),
                target: UndoTarget::Position(options.int("position")?),
                reason: options.text("reason")?.to_owned(),
                at: created_at(i),
                found: None,
                operator: None,
            })))
        })()
        .ok_or_else(|| usage("undo"))?,
        "import" => import(i, data, &options, actor).ok_or_else(|| usage("import"))?,
        "settings" => match settings(i, &options, actor).ok_or_else(|| usage("settings"))? {
            Command::ChangeSettings {
                actor_can_manage_guild,
                change,
                ..
            } if previewing(&options) => {
                if !actor_can_manage_guild {
                    return Err(
                        "❌ You need the Manage Server permission to preview a settings change."
                            .to_owned(),
                    );
                }
                return Ok(Asked::Query(Query::Preview { change }));
            }
            command => command,
        },
        "season" => season(i, &options, actor).ok_or_else(|| usage("season"))?,
        "tournament" if is_view(&options, "list") => return Ok(Asked::Query(Query::Tournaments)),
        "tournament" => tournament(i, &options, actor).ok_or_else(|| usage("tournament"))?,
        "export" if is_view(&options, "me") => {
            return Ok(Asked::Query(Query::ExportMine { member: actor }));
        }
        "export" if is_view(&options, "guild") => {
            if !can_manage_guild(i) {
                return Err(
                    "❌ You need the Manage Server permission to export the server's data."
                        .to_owned(),
                );
            }
            return Ok(Asked::Query(Query::ExportGuild));
        }
        "market" if is_view(&options, "disputes") => {
            if !can_manage_guild(i) {
                return Err("❌ You need the Manage Server permission to see disputes.".to_owned());
            }
            return Ok(Asked::Query(Query::Disputes));
        }
        "commission" if is_view(&options, "list") => {
            return Ok(Asked::Query(Query::Commissions { member: actor }));
        }
        "market" => market(i, &options, actor).ok_or_else(|| usage("market"))?,
        "commission" => commission(i, data, &options, actor).ok_or_else(|| usage("commission"))?,
        _ => {
            return Err(
                "Studio does not know that command. Try /profile, /shop or /balance.".to_owned(),
            );
        }
    };
    Ok(Asked::Command(command))
}

/// `/import format file`: the file Discord holds, to fetch and read before deciding.
fn import(
    i: &Interaction,
    data: &CommandData,
    options: &Options<'_>,
    actor: UserId,
) -> Option<Command> {
    let format = studio_schema::import::Format::parse(options.text("format")?)?;
    let CommandOptionValue::Attachment(id) = options.value("file")? else {
        return None;
    };
    let file = data.resolved.as_ref()?.attachments.get(id)?;
    Some(Command::Import(Box::new(Import {
        by: actor,
        by_can_manage_guild: can_manage_guild(i),
        file: ImportFile::Upload(Upload {
            url: file.url.clone(),
            filename: studio_schema::import::file_name(&file.filename),
            size: file.size,
            format,
            read: None,
        }),
    })))
}

/// Whether the command's subcommand is `name`, one that only shows a view.
fn is_view(options: &Options<'_>, name: &str) -> bool {
    options.sub().is_some_and(|(sub, _)| sub == name)
}

fn adjust_xp(
    i: &Interaction,
    data: &CommandData,
    options: &Options<'_>,
    actor: UserId,
) -> Option<Command> {
    let (sub, o) = options.sub()?;
    let member = o.user("member")?;
    Some(Command::AdjustXp {
        actor,
        actor_can_manage_guild: can_manage_guild(i),
        member,
        member_is_bot: is_bot(data, member),
        amount: o.int("amount")?,
        give: match sub {
            "give" => true,
            "remove" => false,
            _ => return None,
        },
        reason: o.text("reason")?.to_owned(),
    })
}

fn tournament(i: &Interaction, options: &Options<'_>, actor: UserId) -> Option<Command> {
    let (sub, o) = options.sub()?;
    let can = can_manage_guild(i);
    let id = || o.int("id").map(TournamentId);
    Some(Command::Tournament(match sub {
        "create" => TournamentCmd::Create {
            actor,
            actor_can_manage_guild: can,
            name: o.text("name")?.to_owned(),
            prize: o.int("prize")?,
            from_treasury: match o.text("from") {
                None | Some("mint") => false,
                Some("treasury") => true,
                Some(_) => return None,
            },
            days: o.int("days")?,
        },
        "enter" => TournamentCmd::Enter {
            member: actor,
            tournament: id()?,
        },
        "results" => TournamentCmd::Results {
            actor,
            actor_can_manage_guild: can,
            tournament: id()?,
            placings: ["first", "second", "third"]
                .iter()
                .filter_map(|place| o.user(place))
                .collect(),
        },
        "cancel" => TournamentCmd::Cancel {
            actor,
            actor_can_manage_guild: can,
            tournament: id()?,
        },
        _ => return None,
    }))
}

fn season(i: &Interaction, options: &Options<'_>, actor: UserId) -> Option<Command> {
    let (sub, o) = options.sub()?;
    match sub {
        "show" => Some(Command::ShowSeason),
        "start" => Some(Command::StartSeason {
            actor,
            actor_can_manage_guild: can_manage_guild(i),
            name: o.text("name")?.to_owned(),
        }),
        _ => None,
    }
}

/// Whether a `/settings` subcommand asks only for a preview (its `preview` option set).
fn previewing(options: &Options<'_>) -> bool {
    options
        .sub()
        .is_some_and(|(_, o)| matches!(o.value("preview"), Some(CommandOptionValue::Boolean(true))))
}

fn settings(i: &Interaction, options: &Options<'_>, actor: UserId) -> Option<Command> {
    let (sub, o) = options.sub()?;
    let mut change = SettingsChange::default();
    let boolean = |name| match o.value(name)? {
        CommandOptionValue::Boolean(b) => Some(*b),
        _ => None,
    };
    let channel = |name| match o.value(name) {
        Some(CommandOptionValue::Channel(c)) => Some(Some(super::snowflake(*c)?.cast_signed())),
        Some(_) => None,
        None => Some(None),
    };
    let role = |name| match o.value(name) {
        Some(CommandOptionValue::Role(r)) => Some(super::snowflake(*r)?.cast_signed()),
        Some(_) => None,
        None => Some(0),
    };
    match sub {
        "show" => return Some(Command::ShowSettings),
        "beginners-sell" => change.beginners_may_sell = Some(boolean("allowed")?),
        "prodev-role" => change.pro_dev_role = Some(role("role")?),
        "xp" => {
            change.message_xp = o.int("per_message");
            change.xp_cooldown_secs = o.int("cooldown_seconds");
        }
        "no-xp" => {
            change.no_xp_channel = Some((channel("channel")??, boolean("without_xp")?));
        }
        "level-up-channel" => change.level_up_channel = Some(channel("channel")?.unwrap_or(0)),
        "audit-channel" => change.audit_channel = Some(channel("channel")?.unwrap_or(0)),
        "tax" => {
            change.tax_percent = Some([
                o.int("beginner")?,
                o.int("learner")?,
                o.int("expert")?,
                o.int("master")?,
            ]);
        }
        "quest-rewards" => {
            change.quest_rewards = Some([o.int("easy")?, o.int("medium")?, o.int("hard")?]);
        }
        "team-fee" => change.team_fee = Some(o.int("amount")?),
        "listing-days" => change.listing_days = Some(o.int("days")?),
        "rep-reaction" => change.rep_reaction = Some(o.text("emoji")?.to_owned()),
        "rank-role" => change.rank_role = Some((o.text("rank")?.to_owned(), role("role")?)),
        "xp-role" => change.xp_role = Some((role("role")?, o.int("percent")?)),
        "level-role" => change.level_role = Some((o.int("level")?, role("role")?)),
        "ranks" => {
            change.rank_months = Some([o.int("learner")?, o.int("expert")?, o.int("master")?]);
        }
        _ => return None,
    }
    let role_facts = crate::rules::settings::touches_roles(&change).then(|| {
        Box::new(RoleFacts {
            chooser: chooser(i, actor),
            // Gathered from Discord just before the command is decided.
            guild: None,
        })
    });
    Some(Command::ChangeSettings {
        actor,
        actor_can_manage_guild: can_manage_guild(i),
        change: Box::new(change),
        role_facts,
    })
}

/// The admin choosing a role, as their interaction shows them: their roles and whether they may
/// manage roles.
fn chooser(i: &Interaction, actor: UserId) -> Chooser {
    let member = i.member.as_ref();
    let p = member
        .and_then(|m| m.permissions)
        .unwrap_or(Permissions::empty());
    Chooser {
        user: actor.0,
        roles: member
            .map(|m| {
                m.roles
                    .iter()
                    .filter_map(|r| super::snowflake(*r))
                    .map(u64::cast_signed)
                    .collect()
            })
            .unwrap_or_default(),
        manage_roles: p.contains(Permissions::MANAGE_ROLES),
        administrator: p.contains(Permissions::ADMINISTRATOR),
    }
}

fn team(options: &Options<'_>, actor: UserId) -> Option<Command> {
    let (sub, o) = options.sub()?;
    let team = TeamId(o.int("team")?);
    let member = || o.user("member");
    let note = || o.text("note").map(str::to_owned);
    let milestone = || u32::try_from(o.int("milestone")?).ok();
    Some(Command::Team(match sub {
        "join" => TeamCmd::Join {
            member: actor,
            team,
        },
        "leave" => TeamCmd::Leave {
            member: actor,
            team,
        },
        "invite" => TeamCmd::Invite {
            actor,
            team,
            member: member()?,
        },
        "accept" | "decline" => TeamCmd::Answer {
            actor,
            team,
            member: member()?,
            accept: sub == "accept",
        },
        "kick" => TeamCmd::Kick {
            actor,
            team,
            member: member()?,
        },
        "transfer" => TeamCmd::Transfer {
            actor,
            team,
            to: member()?,
        },
        "disband" => TeamCmd::Disband { actor, team },
        "deposit" => TeamCmd::Deposit {
            member: actor,
            team,
            amount: o.int("amount")?,
        },
        "pay" => TeamCmd::Pay {
            actor,
            team,
            member: member()?,
            amount: o.int("amount")?,
            memo: note()?,
        },
        "spend" => TeamCmd::Spend {
            actor,
            team,
            amount: o.int("amount")?,
            memo: note()?,
        },
        "milestone" => TeamCmd::AddMilestone {
            actor,
            team,
            title: o.text("title")?.to_owned(),
            reward: o.int("reward").unwrap_or(0),
        },
        "complete" => TeamCmd::CompleteMilestone {
            actor,
            team,
            milestone: milestone()?,
        },
        "reopen" => TeamCmd::ReopenMilestone {
            actor,
            team,
            milestone: milestone()?,
        },
        _ => return None,
    }))
}

fn listing(o: &Options<'_>) -> Option<ListingId> {
    Some(ListingId(o.int("listing")?))
}

fn market(i: &Interaction, options: &Options<'_>, actor: UserId) -> Option<Command> {
    let (sub, o) = options.sub()?;
    Some(Command::Market(match sub {
        "feature" => Market::Feature {
            seller: actor,
            listing: listing(&o)?,
            days: o.int("days")?,
        },
        "resolve" => Market::Resolve {
            actor,
            actor_can_manage_guild: can_manage_guild(i),
            listing: listing(&o)?,
            buyer: o.user("buyer")?,
            refund: match o.text("decision")? {
                "refund" => true,
                "reject" => false,
                _ => return None,
            },
            note: o.text("note")?.to_owned(),
        },
        _ => return None,
    }))
}

fn commission(
    i: &Interaction,
    data: &CommandData,
    options: &Options<'_>,
    actor: UserId,
) -> Option<Command> {
    let (sub, o) = options.sub()?;
    let id = || o.int("id").map(CommissionId);
    Some(Command::Commission(match sub {
        "offer" => {
            let developer = o.user("developer")?;
            Commission::Offer {
                client: actor,
                developer,
                developer_is_bot: is_bot(data, developer),
                amount: o.int("amount")?,
                description: o.text("description")?.to_owned(),
                deadline_days: o.int("deadline_days")?,
                deadline_day: chrono::TimeDelta::days(1),
            }
        }
        "accept" => Commission::Accept {
            developer: actor,
            commission: id()?,
        },
        "fund" => Commission::Fund {
            client: actor,
            commission: id()?,
        },
        "milestone" => Commission::Milestone {
            client: actor,
            commission: id()?,
            amount: o.int("amount")?,
            note: o.text("note")?.to_owned(),
        },
        "deliver" => Commission::Deliver {
            developer: actor,
            commission: id()?,
            // Replaced by the service's configured review window.
            review_window: crate::rules::economy::REVIEW_WINDOW,
        },
        "release" => Commission::Release {
            client: actor,
            commission: id()?,
        },
        "cancel" => Commission::Cancel {
            actor,
            commission: id()?,
        },
        "dispute" => Commission::Dispute {
            actor,
            commission: id()?,
            reason: o.text("reason")?.to_owned(),
        },
        "resolve" => Commission::Resolve {
            actor,
            actor_can_manage_guild: can_manage_guild(i),
            commission: id()?,
            resolution: match o.text("decision")? {
                "release" => Resolution::Release,
                "refund" => Resolution::Refund,
                // A split without a share is refused by the rules (-1 is outside 0..=100).
                "split" => Resolution::Split(o.int("developer_percent").unwrap_or(-1)),
                _ => return None,
            },
        },
        _ => return None,
    }))
}

#[cfg(test)]
mod tests {
    use crate::domain::{Command, TeamCmd};
    use crate::intake::{Incoming, read};
    use serde_json::{Value, json};

    fn slash(name: &str, options: &Value) -> Vec<u8> {
        json!({"t": "INTERACTION_CREATE", "s": 2, "op": 0, "d": {
            "id": "1000", "application_id": "100", "type": 2, "token": "tok",
            "data": {"id": "1100", "name": name, "type": 1, "options": options},
            "guild_id": "200", "channel_id": "300", "channel": {"id": "300", "type": 0},
            "member": {"user": {"id": "400", "username": "ada", "discriminator": "0"}, "roles": [],
                       "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
                       "flags": 0, "permissions": "32"},
            "app_permissions": "0", "locale": "en-US", "entitlements": [],
            "authorizing_integration_owners": {"0": "200"}, "attachment_size_limit": 10_485_760}})
        .to_string()
        .into_bytes()
    }

    fn pay(note: &str) -> Value {
        json!([{"name": "member", "type": 6, "value": "500"},
               {"name": "amount", "type": 4, "value": 5},
               {"name": "note", "type": 3, "value": note}])
    }

    fn refusal(name: &str, options: &Value) -> String {
        match read(
            "INTERACTION_CREATE",
            &slash(name, options),
            chrono::Utc::now(),
        ) {
            Ok(Incoming::Refuse { reason, .. }) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_pay_note_with_nul_is_refused_naming_the_note_with_the_usage() {
        let reason = refusal("pay", &pay("thanks\u{0}"));
        assert!(
            reason.starts_with(
                "❌ The note contains a character Studio cannot store (U+0000). Remove it and try again.\n"
            ),
            "{reason}"
        );
        assert!(
            reason.contains("Usage: `/pay member amount [note]`"),
            "{reason}"
        );
    }

    #[test]
    fn a_pay_note_with_tabs_and_newlines_is_a_command() {
        let read = read(
            "INTERACTION_CREATE",
            &slash("pay", &pay("a\tb\r\nc 🎮")),
            chrono::Utc::now(),
        );
        assert!(
            matches!(read, Ok(Incoming::Command { command: Command::Pay { ref note, .. }, .. })
                if note.as_deref() == Some("a\tb\r\nc 🎮")),
            "{read:?}"
        );
    }

    #[test]
    fn text_inside_subcommands_is_checked_too() {
        let team_pay = json!([{"name": "pay", "type": 1, "options": [
            {"name": "team", "type": 4, "value": 1},
            {"name": "member", "type": 6, "value": "500"},
            {"name": "amount", "type": 4, "value": 5},
            {"name": "note", "type": 3, "value": "bonus\u{7}"}]}]);
        let reason = refusal("team", &team_pay);
        assert!(
            reason.contains("The note contains") && reason.contains("U+0007"),
            "{reason}"
        );
        assert!(reason.contains("Usage: `/team"), "{reason}");

        let offer = json!([{"name": "offer", "type": 1, "options": [
            {"name": "developer", "type": 6, "value": "500"},
            {"name": "amount", "type": 4, "value": 50},
            {"name": "description", "type": 3, "value": "a level\u{FFFF}"},
            {"name": "deadline_days", "type": 4, "value": 7}]}]);
        let reason = refusal("commission", &offer);
        assert!(
            reason.contains("The description contains") && reason.contains("U+FFFF"),
            "{reason}"
        );

        let create = json!([{"name": "create", "type": 1, "options": [
            {"name": "name", "type": 3, "value": "\u{0}Jam"},
            {"name": "prize", "type": 4, "value": 100},
            {"name": "days", "type": 4, "value": 3}]}]);
        assert!(refusal("tournament", &create).contains("The name contains"));
    }

    #[test]
    fn every_string_option_is_checked_even_one_no_command_reads() {
        let mut options = pay("fine");
        if let Some(list) = options.as_array_mut() {
            list.push(json!({"name": "extra_field", "type": 3, "value": "\u{0}"}));
        }
        let reason = refusal("pay", &options);
        assert!(reason.contains("The extra field contains"), "{reason}");
    }

    #[test]
    fn a_lone_surrogate_is_unreadable_not_a_command() {
        let payload = String::from_utf8(slash("pay", &pay("SURROGATE")))
            .unwrap_or_default()
            .replace("SURROGATE", r"\ud800");
        let read = read("INTERACTION_CREATE", payload.as_bytes(), chrono::Utc::now());
        assert!(
            matches!(read, Ok(Incoming::Unreadable { ref command, .. }) if command.as_deref() == Some("pay")),
            "{read:?}"
        );
    }

    #[test]
    fn a_member_id_past_discords_range_names_nobody() {
        // It would wrap to a negative member in the log.
        let forged = json!([{"name": "member", "type": 6, "value": "18446744073709551615"},
                            {"name": "amount", "type": 4, "value": 5}]);
        assert!(refusal("pay", &forged).contains("Usage: `/pay"));
        let from_nobody = String::from_utf8(slash("pay", &pay("hi")))
            .unwrap_or_default()
            .replace(r#""id":"400""#, r#""id":"9223372036854775808""#);
        assert!(
            matches!(
                read("INTERACTION_CREATE", from_nobody.as_bytes(), chrono::Utc::now()),
                Ok(Incoming::Refuse { ref reason, .. }) if reason.contains("who you are")
            ),
            "{from_nobody}"
        );
    }

    #[test]
    fn a_settings_role_carries_its_chooser_and_no_facts_yet() {
        use crate::rules::roles::{Chooser, RoleFacts};
        let prodev = json!([{"name": "prodev-role", "type": 1, "options": [
            {"name": "role", "type": 8, "value": "777"}]}]);
        let payload = String::from_utf8(slash("settings", &prodev))
            .unwrap_or_default()
            .replace(r#""roles":[]"#, r#""roles":["61","62"]"#)
            .replace(r#""permissions":"32""#, r#""permissions":"268435488""#);
        let chosen = read("INTERACTION_CREATE", payload.as_bytes(), chrono::Utc::now());
        let Ok(Incoming::Command {
            command: Command::ChangeSettings { role_facts, .. },
            ..
        }) = chosen
        else {
            panic!("expected a settings change, got {chosen:?}");
        };
        assert_eq!(
            role_facts.as_deref(),
            Some(&RoleFacts {
                chooser: Chooser {
                    user: 400,
                    roles: vec![61, 62],
                    manage_roles: true,
                    administrator: false,
                },
                guild: None,
            })
        );
        // Clearing the role takes it away: Discord is asked too.
        let clear = json!([{"name": "prodev-role", "type": 1, "options": []}]);
        let cleared = read(
            "INTERACTION_CREATE",
            &slash("settings", &clear),
            chrono::Utc::now(),
        );
        assert!(
            matches!(cleared, Ok(Incoming::Command { command: Command::ChangeSettings { ref role_facts, .. }, .. }) if role_facts.is_some()),
            "{cleared:?}"
        );
        // Other settings need none.
        let fee = json!([{"name": "team-fee", "type": 1, "options": [
            {"name": "amount", "type": 4, "value": 5}]}]);
        let other = read(
            "INTERACTION_CREATE",
            &slash("settings", &fee),
            chrono::Utc::now(),
        );
        assert!(
            matches!(other, Ok(Incoming::Command { command: Command::ChangeSettings { ref role_facts, .. }, .. }) if role_facts.is_none()),
            "{other:?}"
        );
    }

    #[test]
    fn a_settings_preview_is_a_query_for_admins_only() {
        let ranks = json!([{"name": "ranks", "type": 1, "options": [
            {"name": "learner", "type": 4, "value": 0},
            {"name": "expert", "type": 4, "value": 2},
            {"name": "master", "type": 4, "value": 3},
            {"name": "preview", "type": 5, "value": true}]}]);
        let asked = read(
            "INTERACTION_CREATE",
            &slash("settings", &ranks),
            chrono::Utc::now(),
        );
        assert!(
            matches!(asked, Ok(Incoming::Query { query: crate::query::Query::Preview { ref change }, .. })
                if change.rank_months == Some([0, 2, 3])),
            "{asked:?}"
        );
        let member = String::from_utf8(slash("settings", &ranks))
            .unwrap_or_default()
            .replace(r#""permissions":"32""#, r#""permissions":"0""#);
        let refused = read("INTERACTION_CREATE", member.as_bytes(), chrono::Utc::now());
        assert!(
            matches!(refused, Ok(Incoming::Refuse { ref reason, .. }) if reason.contains("Manage Server")),
            "{refused:?}"
        );
    }

    #[test]
    fn a_team_command_without_bad_text_still_reads() {
        let deposit = json!([{"name": "deposit", "type": 1, "options": [
            {"name": "team", "type": 4, "value": 1},
            {"name": "amount", "type": 4, "value": 5}]}]);
        let read = read(
            "INTERACTION_CREATE",
            &slash("team", &deposit),
            chrono::Utc::now(),
        );
        assert!(
            matches!(
                read,
                Ok(Incoming::Command {
                    command: Command::Team(TeamCmd::Deposit { amount: 5, .. }),
                    ..
                })
            ),
            "{read:?}"
        );
    }
}
