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
        "profile" => board(Board::Profile {
            tab: ProfileTab::Stats,
            target: member(data).unwrap_or(actor),
            owner: actor,
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
            CommandOptionValue::User(u) => Some(UserId::from_u64(u.get())),
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
