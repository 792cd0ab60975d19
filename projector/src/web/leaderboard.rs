//! `/g/{guild}/leaderboard?period=all|week|month|season&by=xp|reputation&page=N`: the boards the
//! views keep — XP of all time, this week (since Monday 00:00 UTC), this month and the season in
//! force, and reputation (of all time: the views keep no other) — with tabs between them, as
//! `/leaderboard` shows them in Discord.

use super::answer::{Answer, Page, Refusal};
use super::html;
use super::params::{Params, Segments};
use super::router::State;
use chrono::{DateTime, Utc};
use std::fmt::Write as _;
use studio_model::calendar::{month_start, week_start};
use studio_model::level::level;
use studio_model::season::Season;
use studio_schema::{GuildId, UserId, Xp};
use studio_views::{members, seasons};

/// Members per page.
pub const PAGE: i64 = 20;

/// Which XP a board counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    All,
    Week,
    Month,
    Season,
}

/// What a board ranks by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Xp,
    Reputation,
}

/// One page of one board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Board {
    pub period: Period,
    pub by: By,
    pub page: u32,
}

impl Board {
    /// The board a query asks for: `period` (default `all`), `by` (default `xp`), `page` (from 1).
    ///
    /// # Errors
    /// A value no board has (reputation is counted for all time only).
    pub fn parse(params: &Params) -> Result<Self, Refusal> {
        let period = match params.get("period") {
            None | Some("all") => Period::All,
            Some("week") => Period::Week,
            Some("month") => Period::Month,
            Some("season") => Period::Season,
            Some(other) => {
                return Err(Refusal::BadRequest(format!(
                    "period={other:?}: a period is all, week, month or season."
                )));
            }
        };
        let by = match params.get("by") {
            None | Some("xp") => By::Xp,
            Some("reputation") => By::Reputation,
            Some(other) => {
                return Err(Refusal::BadRequest(format!(
                    "by={other:?}: a board ranks by xp or reputation."
                )));
            }
        };
        if by == By::Reputation && period != Period::All {
            return Err(Refusal::BadRequest(
                "Reputation is counted for all time only: by=reputation&period=all.".to_owned(),
            ));
        }
        Ok(Self {
            period,
            by,
            page: params.page()?,
        })
    }

    /// The board's URL in `guild`.
    #[must_use]
    pub fn href(self, guild: GuildId) -> String {
        let period = match self.period {
            Period::All => "all",
            Period::Week => "week",
            Period::Month => "month",
            Period::Season => "season",
        };
        let by = match self.by {
            By::Xp => "xp",
            By::Reputation => "reputation",
        };
        format!(
            "/g/{guild}/leaderboard?period={period}&by={by}&page={}",
            self.page
        )
    }
}

/// A board's rows as the views rank them: `(member, XP or reputation)`, how many in all, and the
/// season a season board counts (`None` before the guild's first).
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub rows: Vec<(UserId, i64)>,
    pub total: i64,
    pub season: Option<Season>,
}

/// The page.
pub async fn get(axum::extract::State(web): State, segments: Segments, params: Params) -> Answer {
    let guild = web.guild(segments.get(0)).await?;
    let board = Board::parse(&params)?;
    let ranked = load(&web.pool, guild, board, Utc::now()).await?;
    if i64::from(board.page) > html::pages(ranked.total, PAGE) {
        return Err(Refusal::NotFound(format!(
            "This board has {} page(s).",
            html::pages(ranked.total, PAGE)
        )));
    }
    Ok(Page::public(render(guild, board, &ranked)))
}

/// Reads one page of `board` as of `now` (which week and month count).
async fn load(
    pool: &sqlx::PgPool,
    guild: GuildId,
    board: Board,
    now: DateTime<Utc>,
) -> Result<Ranked, sqlx::Error> {
    let offset = i64::from(board.page - 1) * PAGE;
    let xp = |(rows, total): (Vec<(UserId, Xp)>, i64)| {
        (rows.into_iter().map(|(u, x)| (u, x.0)).collect(), total)
    };
    let mut season = None;
    let (rows, total) = match (board.by, board.period) {
        (By::Reputation, _) => members::ranked_by_reputation(pool, guild, PAGE, offset).await?,
        (By::Xp, Period::All) => xp(members::ranked(pool, guild, PAGE, offset).await?),
        (By::Xp, Period::Week) => {
            xp(members::ranked_in_week(pool, guild, week_start(now), PAGE, offset).await?)
        }
        (By::Xp, Period::Month) => {
            xp(members::ranked_in_month(pool, guild, month_start(now), PAGE, offset).await?)
        }
        (By::Xp, Period::Season) => match seasons::current(pool, guild).await? {
            Some(row) => {
                let ranked =
                    seasons::ranked_in_season(pool, guild, row.season.number, PAGE, offset).await?;
                season = Some(row.season);
                xp(ranked)
            }
            None => (Vec::new(), 0),
        },
    };
    Ok(Ranked {
        rows,
        total,
        season,
    })
}

/// The board's page.
#[must_use]
pub fn render(guild: GuildId, board: Board, ranked: &Ranked) -> String {
    let title = match (board.by, board.period, &ranked.season) {
        (By::Reputation, _, _) => "Leaderboard — reputation".to_owned(),
        (By::Xp, Period::All, _) => "Leaderboard — all time".to_owned(),
        (By::Xp, Period::Week, _) => "Leaderboard — this week".to_owned(),
        (By::Xp, Period::Month, _) => "Leaderboard — this month".to_owned(),
        (By::Xp, Period::Season, Some(s)) => {
            format!("Leaderboard — season {}: {}", s.number, s.name)
        }
        (By::Xp, Period::Season, None) => "Leaderboard — season".to_owned(),
    };
    let tab = |period, by, label| {
        let target = Board {
            period,
            by,
            page: 1,
        };
        let current = board.period == period && board.by == by;
        (target.href(guild), label, current)
    };
    let mut body = html::tabs(&[
        tab(Period::All, By::Xp, "All time"),
        tab(Period::Week, By::Xp, "This week"),
        tab(Period::Month, By::Xp, "This month"),
        tab(Period::Season, By::Xp, "Season"),
        tab(Period::All, By::Reputation, "Reputation"),
    ]);
    if let Some(s) = &ranked.season {
        let _ = write!(
            body,
            "<p class=\"m\">Counting the XP earned since {} UTC.</p>",
            html::time(s.started_at)
        );
    }
    if ranked.rows.is_empty() {
        let empty = match (board.by, board.period, &ranked.season) {
            (By::Reputation, _, _) => "Nobody has received reputation yet.",
            (By::Xp, Period::Season, None) => {
                "No season has started yet. An admin starts one with /season start."
            }
            (By::Xp, Period::Season, Some(_)) => "Nobody has earned XP this season yet.",
            _ => "Nobody has earned XP yet — say hello!",
        };
        let _ = write!(body, "<p>{}</p>", html::escape(empty));
    } else {
        let head = match board.by {
            By::Xp => "<th class=\"n\">XP</th><th class=\"n\">Level</th>",
            By::Reputation => "<th class=\"n\">Reputation</th>",
        };
        let _ = write!(
            body,
            "<table><thead><tr><th class=\"n\">#</th><th>Member</th>{head}</tr></thead><tbody>"
        );
        let first = i64::from(board.page - 1) * PAGE;
        for (place, (user, score)) in (first + 1..).zip(&ranked.rows) {
            let cells = match board.by {
                By::Xp => format!(
                    "<td class=\"n\">{score}</td><td class=\"n\">{}</td>",
                    level(Xp(*score))
                ),
                By::Reputation => format!("<td class=\"n\">{score}</td>"),
            };
            let _ = write!(
                body,
                "<tr><td class=\"n\">{place}</td><td>{}</td>{cells}</tr>",
                html::member(guild, *user)
            );
        }
        body.push_str("</tbody></table>");
    }
    body.push_str(&html::pager(board.page, ranked.total, PAGE, |page| {
        Board { page, ..board }.href(guild)
    }));
    html::page(&title, Some(guild), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn the_query_names_a_board_that_exists() {
        assert_eq!(
            Board::parse(&params(&[])),
            Ok(Board {
                period: Period::All,
                by: By::Xp,
                page: 1
            })
        );
        let week = Board::parse(&params(&[("period", "week"), ("page", "2")]));
        assert_eq!(week.map(|b| (b.period, b.page)), Ok((Period::Week, 2)));
        for bad in [
            vec![("period", "year")],
            vec![("by", "credits")],
            vec![("by", "reputation"), ("period", "week")],
            vec![("page", "0")],
        ] {
            assert!(
                matches!(Board::parse(&params(&bad)), Err(Refusal::BadRequest(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_board_shows_places_xp_and_levels_with_tabs_to_the_others() {
        let board = Board {
            period: Period::All,
            by: By::Xp,
            page: 1,
        };
        let ranked = Ranked {
            rows: vec![(UserId(1001), 300), (UserId(1002), 5)],
            total: 2,
            season: None,
        };
        let page = render(GuildId(9), board, &ranked);
        assert!(
            page.contains("<td class=\"n\">1</td><td><a href=\"/g/9/member/1001\">member 1001</a></td><td class=\"n\">300</td><td class=\"n\">2</td>"),
            "{page}"
        );
        for href in [
            "/g/9/leaderboard?period=week&amp;by=xp&amp;page=1",
            "/g/9/leaderboard?period=season&amp;by=xp&amp;page=1",
            "/g/9/leaderboard?period=all&amp;by=reputation&amp;page=1",
        ] {
            assert!(page.contains(href), "{href} in {page}");
        }
        assert!(page.contains("Page 1 of 1"));
    }

    #[test]
    fn a_season_board_before_any_season_says_so() {
        let board = Board {
            period: Period::Season,
            by: By::Xp,
            page: 1,
        };
        let ranked = Ranked {
            rows: Vec::new(),
            total: 0,
            season: None,
        };
        assert!(render(GuildId(9), board, &ranked).contains("No season has started yet"));
    }
}
