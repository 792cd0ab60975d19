//! Slash commands that only show views, read into [`Query`]s: the one place their options are read.
//! Their text is never stored, only looked up, so it is not held to the rule for member text.

use crate::discord::custom_id::{Period, ProfileTab, ShopTab};
use crate::discord::help;
use crate::query::{Board, Opening, Query};
use studio_schema::UserId;
use twilight_model::application::interaction::application_command::{
    CommandData, CommandOptionValue,
};

/// The query of a slash command that only shows views; `None` for any other command, `Some(Err)`
/// with a private explanation for options it cannot take.
pub fn read(data: &CommandData, actor: UserId) -> Option<Result<Query, String>> {
    let board = |board| {
        Ok(Query::Board {
            board,
            update: false,
        })
    };
    Some(match data.name.as_str() {
        "profile" | "rank" => board(Board::Profile {
            tab: ProfileTab::Stats,
            target: member(data).unwrap_or(actor),
            owner: actor,
            name: None,
        }),
        "leaderboard" => board(Board::Leaderboard {
            period: Period::AllTime,
            page: 0,
            owner: actor,
        }),
        "balance" => Ok(Query::Statement { member: actor }),
        "sell" => Ok(Query::Form {
            form: Opening::Sell,
        }),
        "teams" => board(Board::Teams {
            browse: false,
            page: 0,
            owner: actor,
        }),
        "help" => Ok(Query::Help {
            command: data.options.iter().find_map(|o| match &o.value {
                CommandOptionValue::String(s) if o.name == "command" => Some(s.clone()),
                _ => None,
            }),
        }),
        "find" => find(data, actor).and_then(board),
        "shop" => shop(data, actor).and_then(board),
        _ => return None,
    })
}

/// `/profile`'s `member`, if one was named.
fn member(data: &CommandData) -> Option<UserId> {
    data.options
        .iter()
        .find(|o| o.name == "member")
        .and_then(|o| match o.value {
            CommandOptionValue::User(u) => super::user(u),
            _ => None,
        })
}

fn find(data: &CommandData, actor: UserId) -> Result<Board, String> {
    let role = data.options.iter().find_map(|o| match &o.value {
        CommandOptionValue::String(s) if o.name == "role" => crate::rules::profile::role(s),
        _ => None,
    });
    let min = data.options.iter().find_map(|o| match o.value {
        CommandOptionValue::Integer(n) if o.name == "min_years" => Some(n),
        _ => None,
    });
    let (Some(role), Some(min_years)) = (
        role.and_then(|r| crate::rules::profile::ROLES.iter().position(|x| *x == r)),
        u8::try_from(min.unwrap_or(0)).ok(),
    ) else {
        return Err(format!(
            "❌ I could not read that search.\n{}",
            help::usage("find")
        ));
    };
    Ok(Board::Find {
        role: u8::try_from(role).unwrap_or(0),
        min_years,
        page: 0,
        owner: actor,
    })
}

fn shop(data: &CommandData, actor: UserId) -> Result<Board, String> {
    let language = data
        .options
        .iter()
        .find(|o| o.name == "language")
        .and_then(|o| match &o.value {
            CommandOptionValue::String(s) => Some(s.as_str()),
            _ => None,
        });
    let language = match language.map(crate::rules::economy::language) {
        Some(None) => {
            return Err("❌ A language or engine is 1 to 32 characters, without `:`.".to_owned());
        }
        Some(l) => l,
        None => None,
    };
    Ok(Board::Shop {
        tab: ShopTab::Market,
        page: 0,
        owner: actor,
        language,
    })
}

#[cfg(test)]
mod tests {
    use crate::discord::custom_id::{Period, ProfileTab, ShopTab};
    use crate::domain::{Command, Market};
    use crate::intake::{Asker, Incoming, ReplyTo, read};
    use crate::query::{Board, Opening, Query};
    use serde_json::{Value, json};
    use studio_schema::{ListingId, UserId};

    fn interaction(kind: u8, data: &Value, permissions: &str) -> Vec<u8> {
        json!({"t": "INTERACTION_CREATE", "s": 2, "op": 0, "d": {
            "id": "1000", "application_id": "100", "type": kind, "token": "tok", "data": data,
            "guild_id": "200", "channel_id": "300", "channel": {"id": "300", "type": 0},
            "member": {"user": {"id": "400", "username": "ada", "discriminator": "0"}, "roles": [],
                       "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
                       "flags": 0, "permissions": permissions},
            "app_permissions": "0", "locale": "en-US", "entitlements": [],
            "authorizing_integration_owners": {"0": "200"}, "attachment_size_limit": 10_485_760}})
        .to_string()
        .into_bytes()
    }

    fn incoming(kind: u8, data: &Value, permissions: &str) -> Incoming {
        match read(
            "INTERACTION_CREATE",
            &interaction(kind, data, permissions),
            chrono::Utc::now(),
        ) {
            Ok(incoming) => incoming,
            Err(err) => panic!("unreadable: {err}"),
        }
    }

    fn slash(name: &str, options: &Value, permissions: &str) -> Incoming {
        let data = json!({"id": "1100", "name": name, "type": 1, "options": options});
        incoming(2, &data, permissions)
    }

    fn query(incoming: Incoming) -> Query {
        match incoming {
            Incoming::Query { query, .. } => query,
            other => panic!("expected a query, got {other:?}"),
        }
    }

    fn refusal(incoming: Incoming) -> String {
        match incoming {
            Incoming::Refuse { reason, .. } => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    const ADA: UserId = UserId(400);

    #[test]
    fn slash_views_are_read_once_into_typed_queries() {
        let profile = json!([{"name": "member", "type": 6, "value": "500"}]);
        assert_eq!(
            query(slash("profile", &profile, "0")),
            Query::Board {
                board: Board::Profile {
                    tab: ProfileTab::Stats,
                    target: UserId(500),
                    owner: ADA,
                    name: None,
                },
                update: false,
            }
        );
        assert_eq!(
            query(slash("leaderboard", &json!([]), "0")),
            Query::Board {
                board: Board::Leaderboard {
                    period: Period::AllTime,
                    page: 0,
                    owner: ADA,
                },
                update: false,
            }
        );
        let shop = json!([{"name": "language", "type": 3, "value": "Rust"}]);
        assert!(matches!(
            query(slash("shop", &shop, "0")),
            Query::Board {
                board: Board::Shop { tab: ShopTab::Market, page: 0, owner: ADA, ref language },
                update: false,
            } if language.is_some()
        ));
        assert_eq!(
            query(slash("balance", &json!([]), "0")),
            Query::Statement { member: ADA }
        );
        let help = json!([{"name": "command", "type": 3, "value": "pay"}]);
        assert_eq!(
            query(slash("help", &help, "0")),
            Query::Help {
                command: Some("pay".into())
            }
        );
        assert_eq!(
            query(slash("sell", &json!([]), "0")),
            Query::Form {
                form: Opening::Sell
            }
        );
        let list = json!([{"name": "list", "type": 1, "options": []}]);
        assert_eq!(query(slash("tournament", &list, "0")), Query::Tournaments);
        assert_eq!(
            query(slash("commission", &list, "0")),
            Query::Commissions { member: ADA }
        );
        let disputes = json!([{"name": "disputes", "type": 1, "options": []}]);
        assert_eq!(query(slash("market", &disputes, "32")), Query::Disputes);
    }

    #[test]
    fn a_view_whose_options_cannot_be_taken_is_refused_at_intake() {
        let find = json!([{"name": "role", "type": 3, "value": "Astronaut"}]);
        let reason = refusal(slash("find", &find, "0"));
        assert!(
            reason.starts_with("❌ I could not read that search.\n") && reason.contains("/find"),
            "{reason}"
        );
        let shop = json!([{"name": "language", "type": 3, "value": "a:b"}]);
        assert_eq!(
            refusal(slash("shop", &shop, "0")),
            "❌ A language or engine is 1 to 32 characters, without `:`."
        );
        let disputes = json!([{"name": "disputes", "type": 1, "options": []}]);
        assert_eq!(
            refusal(slash("market", &disputes, "0")),
            "❌ You need the Manage Server permission to see disputes."
        );
    }

    #[test]
    fn a_click_is_a_query_that_updates_its_view_or_a_command() {
        let click = |custom_id: &str| {
            incoming(
                3,
                &json!({"custom_id": custom_id, "component_type": 2}),
                "0",
            )
        };
        assert_eq!(
            query(click("p:rank:500:400")),
            Query::Board {
                board: Board::Profile {
                    tab: ProfileTab::Rank,
                    target: UserId(500),
                    owner: ADA,
                    name: None,
                },
                update: true,
            }
        );
        assert_eq!(
            query(click("cd:7:400")),
            Query::Code {
                listing: ListingId(7),
                owner: ADA
            }
        );
        assert!(matches!(
            click("dl:7:400"),
            Incoming::Command {
                command: Command::Market(Market::Delist { .. }),
                reply: ReplyTo::Interaction(Asker { command: None, .. }),
                ..
            }
        ));
        assert!(refusal(click("p:rank:500:401")).contains("This view belongs to <@401>"));
    }

    #[test]
    fn a_command_remembers_the_usage_its_refusals_show() {
        let give = json!([{"name": "give", "type": 1, "options": [
            {"name": "member", "type": 6, "value": "500"},
            {"name": "amount", "type": 4, "value": 50},
            {"name": "reason", "type": 3, "value": "demo"}]}]);
        assert!(matches!(
            slash("xp", &give, "32"),
            Incoming::Command {
                reply: ReplyTo::Interaction(Asker {
                    command: Some("xp"),
                    ..
                }),
                ..
            }
        ));
        let form = json!({"custom_id": "f:review:7", "components": [
            {"type": 18, "id": 1, "component": {"type": 4, "id": 2, "custom_id": "stars", "value": "9"}},
            {"type": 18, "id": 3, "component": {"type": 4, "id": 4, "custom_id": "text", "value": "ok"}}]});
        assert!(matches!(
            incoming(5, &form, "0"),
            Incoming::Command {
                command: Command::Market(Market::Review { .. }),
                reply: ReplyTo::Interaction(Asker {
                    command: Some("shop"),
                    ..
                }),
                ..
            }
        ));
    }
}
