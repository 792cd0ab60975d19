//! `/`: every guild the views include, each with links to its leaderboard and its market.

use super::answer::{Answer, Page};
use super::html;
use super::router::State;
use std::fmt::Write as _;
use studio_schema::GuildId;
use studio_views::checkpoints;

/// The page.
pub async fn get(axum::extract::State(web): State) -> Answer {
    let guilds = checkpoints::guilds(&web.pool).await?;
    Ok(Page::public(render(&guilds)))
}

/// The guilds, with how many events of each the views include.
#[must_use]
pub fn render(guilds: &[(GuildId, i64)]) -> String {
    let mut body = String::new();
    if guilds.is_empty() {
        body.push_str("<p>No guild yet: Studio shows a guild here once it has seen it.</p>");
    }
    for (guild, events) in guilds {
        let _ = write!(
            body,
            "<div class=\"card\"><h3>Guild {guild}</h3>\
             <p>{} · {} <span class=\"m\">· {events} events</span></p></div>",
            html::link(&format!("/g/{guild}/leaderboard"), "Leaderboard"),
            html::link(&format!("/g/{guild}/market"), "Market"),
        );
    }
    html::page("Guilds", None, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_guild_links_to_its_pages() {
        let page = render(&[(GuildId(5), 12)]);
        assert!(page.contains("href=\"/g/5/leaderboard\""), "{page}");
        assert!(page.contains("href=\"/g/5/market\""), "{page}");
        assert!(page.contains("12 events"), "{page}");
        assert!(render(&[]).contains("No guild yet"));
    }
}
