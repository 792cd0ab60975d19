//! `/g/{guild}/explain/{account}?token=…&page=N`, for auditors: one account's balance explained
//! event by event from the log, as `projector audit explain` prints it ([`crate::audit::explain`],
//! the same statement): sequence, time, event, amount, running balance, the other side of each
//! posting, the Discord id that caused it and undos, then the check against `views.accounts`.

use super::answer::{Answer, Page, Refusal};
use super::html;
use super::ledger::explain_href;
use super::params::{Params, Segments};
use super::router::State;
use crate::audit;
use std::fmt::Write as _;
use studio_schema::audit::Statement;
use studio_schema::{Account, GuildId};

/// Statement lines per page, the first first.
pub const PAGE: i64 = 100;

/// The page.
pub async fn get(axum::extract::State(web): State, segments: Segments, params: Params) -> Answer {
    let token = web.auditor(&params)?;
    let guild = web.guild(segments.get(0)).await?;
    let raw = segments.get(1);
    let account = audit::parse_account(raw)
        .map_err(|_| Refusal::NotFound(format!("{raw:?} names no account.")))?;
    let page = params.page()?;
    let statement = audit::explain(&web.pool, guild, account, None).await?;
    let total = i64::try_from(statement.lines.len()).unwrap_or(i64::MAX);
    if i64::from(page) > html::pages(total, PAGE) {
        return Err(Refusal::NotFound(format!(
            "This statement has {} page(s).",
            html::pages(total, PAGE)
        )));
    }
    let view = audit::view_balance(&web.pool, guild, account).await?;
    let check = audit::render_cross_check(view, &statement);
    Ok(Page::private(render(
        guild, account, &statement, &check, page, token,
    )))
}

/// One page of the statement; `check` is how the views' balance compares.
#[must_use]
pub fn render(
    guild: GuildId,
    account: Account,
    statement: &Statement,
    check: &str,
    page: u32,
    token: &str,
) -> String {
    let total = i64::try_from(statement.lines.len()).unwrap_or(i64::MAX);
    let mut body = format!(
        "<dl><dt>Balance</dt><dd><b>{}</b> after {total} line(s)</dd>\
         <dt>Check</dt><dd>{}</dd></dl>\
         <p>{}</p>",
        statement.balance(),
        html::escape(check),
        html::link(
            &format!("/g/{guild}/ledger?token={}", html::encode(token)),
            "◀ The ledger"
        ),
    );
    if statement.lines.is_empty() {
        body.push_str("<p>No event has moved this account.</p>");
    } else {
        body.push_str(
            "<div class=\"scroll\"><table><thead><tr><th class=\"n\">seq</th>\
             <th class=\"n\">Amount</th><th class=\"n\">Balance</th><th>Event</th>\
             <th>Other side</th><th>Caused by</th><th>Time (UTC)</th></tr></thead><tbody>",
        );
        let skip = usize::try_from(i64::from(page - 1) * PAGE).unwrap_or(usize::MAX);
        let take = usize::try_from(PAGE).unwrap_or(100);
        for l in statement.lines.iter().skip(skip).take(take) {
            let others = l
                .counterparts
                .iter()
                .map(|(other, amount)| {
                    format!(
                        "{} {:+}",
                        html::link(
                            &explain_href(guild, &other.to_string(), token),
                            &other.to_string()
                        ),
                        amount.0
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let undo = match (l.undoes, l.undone_by) {
                (Some(original), _) => format!(" <span class=\"m\">(undoes #{original})</span>"),
                (None, Some(undo)) => format!(" <span class=\"m\">(undone by #{undo})</span>"),
                (None, None) => String::new(),
            };
            let _ = write!(
                body,
                "<tr><td class=\"n\">{}</td><td class=\"n\">{:+}</td><td class=\"n\">{}</td>\
                 <td>{}{undo}</td><td>{others}</td><td class=\"m\">{}</td>\
                 <td class=\"m t\">{}</td></tr>",
                l.seq,
                l.amount.0,
                l.balance.0,
                html::escape(l.event_type),
                html::escape(&l.causation_id),
                html::time(l.occurred_at),
            );
        }
        body.push_str("</tbody></table></div>");
    }
    let here = account.to_string();
    body.push_str(&html::pager(page, total, PAGE, |n| {
        format!("{}&page={n}", explain_href(guild, &here, token))
    }));
    html::page(&format!("{account} in guild {guild}"), Some(guild), &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use studio_schema::audit::Line;
    use studio_schema::{Credits, UserId};

    #[test]
    fn each_line_shows_its_seq_running_balance_and_links_to_the_other_side() {
        let statement = Statement {
            lines: vec![
                Line {
                    seq: 3,
                    event_type: "CreditsGranted",
                    amount: Credits(500),
                    balance: Credits(500),
                    occurred_at: chrono::DateTime::UNIX_EPOCH,
                    causation_id: "<c1>".to_owned(),
                    counterparts: vec![(Account::Mint, Credits(-500))],
                    undoes: None,
                    undone_by: Some(9),
                },
                Line {
                    seq: 9,
                    event_type: "ActionUndone",
                    amount: Credits(-500),
                    balance: Credits(0),
                    occurred_at: chrono::DateTime::UNIX_EPOCH,
                    causation_id: "c2".to_owned(),
                    counterparts: vec![(Account::Mint, Credits(500))],
                    undoes: Some(3),
                    undone_by: None,
                },
            ],
        };
        let page = render(
            GuildId(9),
            Account::Member(UserId(1001)),
            &statement,
            "views: views.accounts agrees: 0 at seq 9",
            1,
            "tok",
        );
        assert!(page.contains("<h1>member:1001 in guild 9</h1>"), "{page}");
        assert!(
            page.contains("<td class=\"n\">+500</td><td class=\"n\">500</td>"),
            "{page}"
        );
        assert!(
            page.contains("(undone by #9)") && page.contains("(undoes #3)"),
            "{page}"
        );
        assert!(
            page.contains("href=\"/g/9/explain/mint?token=tok\">mint</a> -500"),
            "{page}"
        );
        assert!(page.contains("&lt;c1&gt;"), "{page}");
        assert!(page.contains("<b>0</b> after 2 line(s)"), "{page}");
    }
}
