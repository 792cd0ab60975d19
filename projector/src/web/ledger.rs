//! `/g/{guild}/ledger?token=…&page=N`, for auditors: the guild's ledger, the latest event first —
//! each posting with its `guild_seq`, time, event, account, amount, the balance it left and the
//! event's other lines — and for each account a link to its statement explained event by event
//! ([`super::explain`]). Without `STUDIO_AUDIT_TOKEN` the page does not exist; without the right
//! token it shows nothing.

use super::answer::{Answer, Page, Refusal};
use super::html;
use super::params::{Params, Segments};
use super::router::State;
use std::fmt::Write as _;
use studio_schema::GuildId;
use studio_views::ledger::{self, Posting};

/// Postings per page.
pub const PAGE: i64 = 50;

/// The page.
pub async fn get(axum::extract::State(web): State, segments: Segments, params: Params) -> Answer {
    let token = web.auditor(&params)?;
    let guild = web.guild(segments.get(0)).await?;
    let page = params.page()?;
    let (rows, total) = ledger::entries(&web.pool, guild, PAGE, i64::from(page - 1) * PAGE).await?;
    if i64::from(page) > html::pages(total, PAGE) {
        return Err(Refusal::NotFound(format!(
            "The ledger has {} page(s).",
            html::pages(total, PAGE)
        )));
    }
    Ok(Page::private(render(guild, page, &rows, total, token)))
}

/// The URL of `account`'s statement, for the auditor holding `token`.
#[must_use]
pub fn explain_href(guild: GuildId, account: &str, token: &str) -> String {
    format!(
        "/g/{guild}/explain/{}?token={}",
        html::encode(account),
        html::encode(token)
    )
}

/// One page of the ledger.
#[must_use]
pub fn render(guild: GuildId, page: u32, rows: &[Posting], total: i64, token: &str) -> String {
    let mut body = format!(
        "<p class=\"m\">{total} posting(s), the latest first. Every event's postings sum to zero; \
         the log proves them (<code>projector audit verify</code>).</p>"
    );
    if rows.is_empty() {
        body.push_str("<p>No credits have moved yet.</p>");
    } else {
        body.push_str(
            "<div class=\"scroll\"><table><thead><tr><th class=\"n\">seq</th><th>Account</th>\
             <th class=\"n\">Amount</th><th class=\"n\">Balance</th><th>Event</th><th>Memo</th>\
             <th>Other lines</th><th>Time (UTC)</th></tr></thead><tbody>",
        );
        for r in rows {
            let _ = write!(
                body,
                "<tr><td class=\"n\">{}</td><td>{}<br>{}</td><td class=\"n\">{:+}</td>\
                 <td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"m\">{}</td>\
                 <td class=\"m t\">{}</td></tr>",
                r.guild_seq,
                html::escape(&r.account),
                html::link(&explain_href(guild, &r.account, token), "explain"),
                r.amount,
                r.balance_after,
                html::escape(&r.event_type),
                html::escape(r.memo.as_deref().unwrap_or("")),
                html::escape(&r.counterparts),
                html::time(r.at),
            );
        }
        body.push_str("</tbody></table></div>");
    }
    body.push_str(&html::pager(page, total, PAGE, |n| {
        format!("/g/{guild}/ledger?token={}&page={n}", html::encode(token))
    }));
    html::page(&format!("Ledger of guild {guild}"), Some(guild), &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn each_posting_has_its_seq_and_an_explain_link_carrying_the_token() {
        let posting = Posting {
            guild_seq: 7,
            line: 1,
            account: "member:1001".to_owned(),
            amount: -200,
            balance_after: 800,
            event_type: "ListingPurchased".to_owned(),
            memo: Some("<Grid A*>".to_owned()),
            counterparts: "member:1002 +180, treasury +20".to_owned(),
            at: Utc::now(),
        };
        let page = render(GuildId(9), 1, &[posting], 1, "t&k n");
        assert!(page.contains("<td class=\"n\">7</td>"), "{page}");
        assert!(
            page.contains("<td class=\"n\">-200</td><td class=\"n\">800</td>"),
            "{page}"
        );
        assert!(page.contains("&lt;Grid A*&gt;"), "{page}");
        assert!(
            page.contains("href=\"/g/9/explain/member%3A1001?token=t%26k%20n\">explain</a>"),
            "{page}"
        );
    }
}
