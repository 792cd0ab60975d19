//! Community boards: the tournaments list. Pure.

use super::render::truncate;
use studio_views::tournaments::TournamentSummary;
use twilight_model::channel::message::Embed;
use twilight_util::builder::embed::{EmbedBuilder, EmbedFieldBuilder};

/// `/tournament list`.
#[must_use]
pub fn tournaments(rows: &[TournamentSummary]) -> Embed {
    let mut e = EmbedBuilder::new()
        .title("🏆 Tournaments")
        .color(0x00F1_C40F);
    if rows.is_empty() {
        e = e.description("No tournaments yet.");
    }
    for t in rows {
        let state = match t.status.as_str() {
            "open" => format!(
                "open until {} · `/tournament enter id:{}`",
                t.ends_at.format("%Y-%m-%d %H:%M UTC"),
                t.tournament_id
            ),
            "paid" => format!("results:\n{}", t.winners),
            other => other.to_owned(),
        };
        e = e.field(EmbedFieldBuilder::new(
            truncate(
                &format!("#{} {} — {} credits", t.tournament_id, t.name, t.prize),
                256,
            ),
            truncate(&format!("{} entrants · {state}", t.entrants), 500),
        ));
    }
    e.build()
}

/// A `/find` page with a Contact button per member and paging.
#[must_use]
pub fn find(
    role: u8,
    min_years: u8,
    page: u32,
    owner: studio_schema::UserId,
    matches: &[studio_views::profiles::Match],
    total: i64,
    update: bool,
) -> twilight_model::http::interaction::InteractionResponse {
    use super::custom_id::Action;
    use super::paging::{button, pager, pages};
    use crate::views::FIND_PAGE;
    use twilight_model::channel::message::component::{ActionRow, ButtonStyle, Component};

    let role_name = crate::rules::profile::ROLES
        .get(usize::from(role))
        .copied()
        .unwrap_or("Other");
    let mut e = EmbedBuilder::new()
        .title(format!(
            "🔎 {role_name}s with {min_years}+ years, open to work"
        ))
        .color(0x0058_65F2);
    if matches.is_empty() {
        e = e.description("Nobody matches yet.");
    }
    let first = i64::from(page) * FIND_PAGE;
    for (n, m) in (first + 1..).zip(matches) {
        let rating = if m.rating_count > 0 {
            #[allow(clippy::cast_precision_loss)]
            let avg = m.rating_sum as f64 / m.rating_count as f64;
            format!(" · ★ {avg:.1}")
        } else {
            String::new()
        };
        e = e.field(EmbedFieldBuilder::new(
            format!("{n}. {} · {} years", m.role, m.years),
            truncate(
                &format!(
                    "<@{}> · level {} · ⭐ {} reputation · {} XP{rating} · ID {}\n{}",
                    m.user_id,
                    crate::rules::xp::level(studio_schema::Xp(m.xp)),
                    m.reputation,
                    m.xp,
                    m.user_id,
                    m.skills
                ),
                400,
            ),
        ));
    }
    let embed = e
        .footer(twilight_util::builder::embed::EmbedFooterBuilder::new(
            format!(
                "Page {} of {} · {total} members",
                page + 1,
                pages(total, FIND_PAGE)
            ),
        ))
        .build();
    let contacts: Vec<Component> = matches
        .iter()
        .zip(first + 1..)
        .map(|(m, n)| {
            let member = studio_schema::UserId(m.user_id);
            button(
                &format!("Contact #{n}"),
                &Action::Contact { member, owner },
                ButtonStyle::Primary,
                member == owner,
            )
        })
        .collect();
    let mut rows = Vec::new();
    if !contacts.is_empty() {
        rows.push(Component::ActionRow(ActionRow {
            components: contacts,
            id: None,
        }));
    }
    rows.extend(pager(page, total, FIND_PAGE, |page, slot| Action::Find {
        role,
        min_years,
        page,
        owner,
        slot,
    }));
    super::render::private_view(embed, rows, update)
}

/// A spotlight, posted publicly where it was bought (mentions nobody).
#[must_use]
pub fn spotlight(
    member: studio_schema::UserId,
    text: &str,
    cost: studio_schema::Credits,
) -> twilight_model::http::interaction::InteractionResponse {
    use super::mentions::{self, Pings};
    let embed = EmbedBuilder::new()
        .title("🌟 Spotlight")
        .color(0x00F1_C40F)
        .description(truncate(&format!("<@{member}>\n\n{text}"), 4096))
        .footer(twilight_util::builder::embed::EmbedFooterBuilder::new(
            format!(
                "A premium showcase by a Master of this server ({cost} credits to the treasury)"
            ),
        ))
        .build();
    mentions::reply(&Pings::nobody()).embeds([embed]).build()
}
