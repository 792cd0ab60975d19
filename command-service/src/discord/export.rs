//! `/export`: a member's own data as a JSON file, and the server's XP as CSV for its admins. Sent
//! privately, as attachments the way Discord takes files. Never a listing's code, never another
//! member's credits.

use super::render;
use crate::rules::xp;
use crate::views::MemberView;
use chrono::{DateTime, Utc};
use serde_json::json;
use studio_model::settings::Settings;
use studio_schema::{GuildId, UserId, Xp};
use studio_views::ledger::Statement;
use twilight_model::http::attachment::Attachment;
use twilight_model::http::interaction::InteractionResponse;

/// The most ledger entries and members an export holds: about 4 MB and 3 MB at most, well under
/// Discord's limit on a file (an export that reaches it says so, in `ledger_truncated`).
pub const ENTRIES: i64 = 20_000;
pub const MEMBERS: i64 = 100_000;

/// The member's own data: profile, XP, rank, reputation, credits and every ledger entry.
#[must_use]
pub fn mine(
    guild: GuildId,
    view: &MemberView,
    rules: &Settings,
    statement: &Statement,
    now: DateTime<Utc>,
) -> InteractionResponse {
    let total = Xp(view.xp);
    let in_guild = view.tenure.time_in_guild(now);
    let data = json!({
        "guild": guild.to_string(),
        "member": view.user.to_string(),
        "exported_at": now.to_rfc3339(),
        "xp": {
            "total": view.xp,
            "level": xp::level(total),
            "from_messages": view.message_xp,
            "messages": view.messages,
            "this_week": view.week_xp,
            "this_season": view.season_xp.map(|(_, xp)| xp),
        },
        "rank": rules.rank(in_guild).to_string(),
        "time_in_server_days": in_guild.num_days(),
        "reputation": view.reputation,
        "credits": view.credits,
        "profile": view.profile.as_ref().map(|p| json!({
            "role": p.role, "years": p.years, "skills": p.skills, "links": p.links,
            "open_to_work": p.open_to_work,
        })),
        "teams": view.teams,
        "ledger_truncated": i64::try_from(statement.entries.len()).unwrap_or(i64::MAX) >= ENTRIES,
        "ledger": statement.entries.iter().map(|e| json!({
            "guild_seq": e.guild_seq, "at": e.at.to_rfc3339(), "event": e.event_type,
            "amount": e.amount, "balance_after": e.balance_after, "memo": e.memo,
            "counterparts": e.counterparts,
        })).collect::<Vec<_>>(),
    });
    let body = serde_json::to_vec_pretty(&data).unwrap_or_default();
    file(
        &format!(
            "📦 Your data in this server: profile, XP, rank, reputation, credits and {} ledger entries.",
            statement.entries.len()
        ),
        format!("studio-export-{}.json", view.user),
        body,
    )
}

/// Every member's XP and level, most XP first, as CSV (`user_id,xp,level`: what an import reads).
#[must_use]
pub fn guild(guild: GuildId, rows: &[(UserId, Xp)]) -> InteractionResponse {
    let mut csv = String::from("user_id,xp,level\n");
    for (user, total) in rows {
        csv.push_str(&format!("{user},{},{}\n", total.0, xp::level(*total)));
    }
    file(
        &format!(
            "📦 The XP of {} members of this server, as CSV.",
            rows.len()
        ),
        format!("studio-xp-{guild}.csv"),
        csv.into_bytes(),
    )
}

fn file(text: &str, name: String, body: Vec<u8>) -> InteractionResponse {
    let mut response = render::ephemeral(text);
    if let Some(data) = response.data.as_mut() {
        data.attachments = Some(vec![Attachment::from_bytes(name, body, 0)]);
    }
    response
}
