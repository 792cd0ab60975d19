//! Turning views into Discord messages (decided outcomes are [`super::outcome`]'s), and the
//! helpers every answer uses. Pure: the caller passes `now` and the data.
//! Every text is kept inside Discord's limits here.

use super::custom_id::{Action, Period, ProfileTab, Slot};
use super::mentions::{self, Pings};
use super::paging;
use crate::rules::settings::Settings;
use crate::rules::{tenure, xp};
use crate::views::{LeaderboardPage, MemberView};
use chrono::{DateTime, Utc};
use studio_schema::{UserId, Xp};
use twilight_model::channel::message::component::{ActionRow, ButtonStyle, Component};
use twilight_model::channel::message::{Embed, MessageFlags};
use twilight_model::http::attachment::Attachment;
use twilight_model::http::interaction::InteractionResponse;
use twilight_util::builder::embed::{
    EmbedBuilder, EmbedFieldBuilder, EmbedFooterBuilder, ImageSource,
};
use twilight_util::builder::message::{ActionRowBuilder, ButtonBuilder};

/// Studio's accent colour.
const COLOUR: u32 = 0x0058_65F2;
/// Members per leaderboard page.
pub const LEADERBOARD_PAGE: u32 = 10;
/// Discord's message content limit.
const CONTENT_LIMIT: usize = 2000;

/// A private message to the member who clicked or typed.
#[must_use]
pub fn ephemeral(text: &str) -> InteractionResponse {
    mentions::reply(&Pings::nobody())
        .content(truncate(text, CONTENT_LIMIT))
        .flags(MessageFlags::EPHEMERAL)
        .build()
}

/// A private embed for the member who clicked or typed.
#[must_use]
pub fn private_embed(embed: Embed) -> InteractionResponse {
    private_embeds(vec![embed])
}

/// Private embeds for the member who clicked or typed.
#[must_use]
pub fn private_embeds(embeds: Vec<Embed>) -> InteractionResponse {
    mentions::reply(&Pings::nobody())
        .embeds(embeds)
        .flags(MessageFlags::EPHEMERAL)
        .build()
}

/// The level-up announcement, posted in the channel where it happened.
#[must_use]
pub fn level_up_text(member: UserId, level: i64) -> String {
    format!("🎉 <@{member}> reached level {level}!")
}

/// A profile tab, as a new message (slash command) or an update of the clicked view. The Stats tab
/// shows `card` (the rank card, [`super::card`]) as its image; the other tabs drop it.
#[must_use]
pub fn profile(
    view: &MemberView,
    rules: &Settings,
    tab: ProfileTab,
    owner: UserId,
    now: DateTime<Utc>,
    update: bool,
    card: Option<Attachment>,
) -> InteractionResponse {
    let embed = match tab {
        ProfileTab::Stats => {
            let mut embed = stats_embed(view, rules, view.user == owner, now);
            if let Some(card) = &card
                && let Ok(source) = ImageSource::attachment(&card.filename)
            {
                embed.image = EmbedBuilder::new().image(source).build().image;
            }
            embed
        }
        ProfileTab::Portfolio => portfolio_embed(view),
        ProfileTab::Rank => rank_embed(view, rules, now),
    };
    let button = |label: &str, this: ProfileTab| {
        ButtonBuilder::new(if this == tab {
            ButtonStyle::Primary
        } else {
            ButtonStyle::Secondary
        })
        .label(label)
        .custom_id(
            Action::Profile {
                tab: this,
                target: view.user,
                owner,
            }
            .to_string(),
        )
        .build()
    };
    let mut row = ActionRowBuilder::new()
        .component(button("📊 Stats", ProfileTab::Stats))
        .component(button("🎮 Portfolio", ProfileTab::Portfolio))
        .component(button("👑 Rank Info", ProfileTab::Rank));
    if view.user == owner {
        row = row.component(
            ButtonBuilder::new(ButtonStyle::Success)
                .label("✏️ Edit profile")
                .custom_id(Action::EditProfile { owner }.to_string())
                .build(),
        );
    }
    let row = Component::ActionRow(row.build());
    // One's own profile shows one's credits, so only its owner sees it.
    let mut response = message(embed, vec![row], update, view.user == owner);
    if let Some(data) = response.data.as_mut() {
        // A new card, or none: an updated view does not keep the previous tab's card.
        let files: Vec<Attachment> = card.into_iter().collect();
        if update || !files.is_empty() {
            data.attachments = Some(files);
        }
    }
    response
}

/// XP, level, activity and rank; the credits only on one's own profile.
fn stats_embed(view: &MemberView, rules: &Settings, own: bool, now: DateTime<Utc>) -> Embed {
    let total = Xp(view.xp);
    let (into, span) = xp::level_progress(total);
    let in_guild = view.tenure.time_in_guild(now);
    let mut e = EmbedBuilder::new()
        .title("📊 Stats")
        .color(COLOUR)
        .description(format!("<@{}>", view.user))
        .field(EmbedFieldBuilder::new("XP", total.to_string()).inline())
        .field(EmbedFieldBuilder::new("Level", xp::level(total).to_string()).inline())
        .field(EmbedFieldBuilder::new("Messages", view.messages.to_string()).inline())
        .field(EmbedFieldBuilder::new("Reputation", format!("⭐ {}", view.reputation)).inline())
        .field(EmbedFieldBuilder::new(
            format!("Progress to level {}", xp::level(total) + 1),
            format!("{} {into}/{span}", xp::progress_bar(into, span, 12)),
        ))
        .field(EmbedFieldBuilder::new("Rank", rules.rank(in_guild).to_string()).inline())
        .field(EmbedFieldBuilder::new("Time in server", tenure::describe(in_guild)).inline())
        .field(EmbedFieldBuilder::new("XP this week", view.week_xp.to_string()).inline());
    if let Some((season, xp)) = view.season_xp {
        e = e.field(
            EmbedFieldBuilder::new(format!("XP in season {season}"), xp.to_string()).inline(),
        );
    }
    if own {
        e = e.field(
            EmbedFieldBuilder::new(
                "Credits (only you see this)",
                format!("💰 {}", view.credits),
            )
            .inline(),
        );
    }
    e.build()
}

fn portfolio_embed(view: &MemberView) -> Embed {
    EmbedBuilder::new()
        .title("🎮 Portfolio")
        .color(COLOUR)
        .description(format!("<@{}>", view.user))
        .field(EmbedFieldBuilder::new("XP this week", view.week_xp.to_string()).inline())
        .field(EmbedFieldBuilder::new("XP from messages", view.message_xp.to_string()).inline())
        .field(EmbedFieldBuilder::new("Role and skills", about(view)))
        .field(EmbedFieldBuilder::new(
            "Listings and sales",
            seller_line(&view.seller),
        ))
        .field(EmbedFieldBuilder::new(
            "Reviews received",
            reviews_line(view),
        ))
        .field(EmbedFieldBuilder::new(
            "Teams",
            if view.teams.is_empty() {
                "None yet — see /teams.".to_owned()
            } else {
                truncate(&view.teams.join("\n"), 1024)
            },
        ))
        .build()
}

fn reviews_line(view: &MemberView) -> String {
    if view.reviews.is_empty() {
        return "None yet.".to_owned();
    }
    let lines: Vec<String> = view
        .reviews
        .iter()
        .map(|r| {
            format!(
                "{} **{}** — <@{}>: {}",
                "★".repeat(usize::try_from(r.stars.clamp(0, 5)).unwrap_or(0)),
                truncate(&r.title, 60),
                r.reviewer,
                truncate(&r.text, 120)
            )
        })
        .collect();
    truncate(&lines.join("\n"), 1024)
}

fn about(view: &MemberView) -> String {
    match &view.profile {
        Some(p) => {
            let links = if p.links.is_empty() {
                String::new()
            } else {
                format!("\n{}", p.links)
            };
            let open = if p.open_to_work {
                " · open to work"
            } else {
                ""
            };
            truncate(
                &format!("{} · {} years{open}\n{}{links}", p.role, p.years, p.skills),
                1024,
            )
        }
        None => "No profile yet.".to_owned(),
    }
}

fn seller_line(s: &studio_views::market::SellerStats) -> String {
    if s.listings == 0 && s.sales == 0 {
        return "Nothing on the marketplace yet — sell code with /sell.".to_owned();
    }
    let rating = if s.rating_count > 0 {
        #[allow(clippy::cast_precision_loss)]
        let avg = s.rating_sum as f64 / s.rating_count as f64;
        format!("★ {avg:.1} from {} reviews", s.rating_count)
    } else {
        "no reviews yet".to_owned()
    };
    format!(
        "{} active listings · {} sales · {rating}",
        s.listings, s.sales
    )
}

fn rank_embed(view: &MemberView, rules: &Settings, now: DateTime<Utc>) -> Embed {
    let in_guild = view.tenure.time_in_guild(now);
    let rank = rules.rank(in_guild);
    let next = match tenure::next_rank(rank, &rules.ranks) {
        Some((next, needed)) if view.tenure.since.is_some() => {
            let when = now + (needed - in_guild);
            format!("{next} on {}", when.format("%Y-%m-%d"))
        }
        Some((next, needed)) => format!("{next} after {} in the server", tenure::describe(needed)),
        None => "Top rank reached".to_owned(),
    };
    EmbedBuilder::new()
        .title("👑 Rank Info")
        .color(COLOUR)
        .description(format!("<@{}>", view.user))
        .field(EmbedFieldBuilder::new("Rank", rank.to_string()).inline())
        .field(EmbedFieldBuilder::new("Time in server", tenure::describe(in_guild)).inline())
        .field(EmbedFieldBuilder::new("Next rank", next).inline())
        .field(
            EmbedFieldBuilder::new(
                "Marketplace tax",
                format!("{} % on each sale", rules.tax_percent(rank)),
            )
            .inline(),
        )
        .field(EmbedFieldBuilder::new(
            "Privileges",
            tenure::privileges(rank).join("\n"),
        ))
        .footer(EmbedFooterBuilder::new(format!(
            "Ranks: {} (time away does not count)",
            rules.ranks.describe()
        )))
        .build()
}

/// A leaderboard page with its period buttons and paging buttons.
#[must_use]
pub fn leaderboard(page: &LeaderboardPage, owner: UserId, update: bool) -> InteractionResponse {
    let title = match (page.period, &page.season) {
        (Period::AllTime, _) => "🏆 Leaderboard — all time".to_owned(),
        (Period::ThisWeek, _) => "🏆 Leaderboard — this week".to_owned(),
        (Period::ThisMonth, _) => "🏆 Leaderboard — this month".to_owned(),
        (Period::Season, Some(s)) => truncate(
            &format!("🏆 Leaderboard — season {}: {}", s.number, s.name),
            256,
        ),
        (Period::Season, None) => "🏆 Leaderboard — season".to_owned(),
        (Period::Reputation, _) => "⭐ Leaderboard — reputation".to_owned(),
    };
    let first = page.page * LEADERBOARD_PAGE;
    let lines: Vec<String> = (first + 1..)
        .zip(&page.rows)
        .map(|(place, (user, total))| match page.period {
            Period::Reputation => format!("**{place}.** <@{user}> — ⭐ {total}"),
            _ => format!(
                "**{place}.** <@{user}> — {total} XP (level {})",
                xp::level(Xp(*total))
            ),
        })
        .collect();
    let description = match (page.period, &page.season) {
        _ if !lines.is_empty() => lines.join("\n"),
        (Period::Season, None) => {
            "No season has started yet. An admin starts one with `/season start`.".to_owned()
        }
        (Period::Season, Some(_)) => "Nobody has earned XP this season yet — say hello!".to_owned(),
        (Period::Reputation, _) => {
            "Nobody holds reputation yet — thank a helpful member with `/rep`.".to_owned()
        }
        _ => "Nobody has earned XP yet — say hello!".to_owned(),
    };
    let pages = paging::pages(page.total, i64::from(LEADERBOARD_PAGE));
    let since = page.season.as_ref().map_or_else(String::new, |s| {
        format!(" · since {}", s.started_at.format("%Y-%m-%d %H:%M UTC"))
    });
    let embed = EmbedBuilder::new()
        .title(title)
        .color(COLOUR)
        .description(description)
        .footer(EmbedFooterBuilder::new(format!(
            "Page {} of {pages}{since}",
            page.page + 1
        )))
        .build();
    let to = |period, page, slot| Action::Leaderboard {
        period,
        page,
        owner,
        slot,
    };
    let periods = Period::ALL
        .into_iter()
        .map(|p| {
            let (label, style) = (
                match p {
                    Period::AllTime => "All time",
                    Period::ThisWeek => "This week",
                    Period::ThisMonth => "This month",
                    Period::Season => "Season",
                    Period::Reputation => "⭐ Reputation",
                },
                if p == page.period {
                    ButtonStyle::Primary
                } else {
                    ButtonStyle::Secondary
                },
            );
            paging::button(label, &to(p, 0, Slot::Period), style, false)
        })
        .collect();
    let paging = vec![
        paging::button(
            "◀ Previous",
            &to(page.period, page.page.saturating_sub(1), Slot::Previous),
            ButtonStyle::Secondary,
            page.page == 0,
        ),
        paging::button(
            "Next ▶",
            &to(page.period, page.page + 1, Slot::Next),
            ButtonStyle::Secondary,
            page.page + 1 >= pages,
        ),
    ];
    let rows = [periods, paging]
        .into_iter()
        .map(|components| {
            Component::ActionRow(ActionRow {
                components,
                id: None,
            })
        })
        .collect();
    message(embed, rows, update, false)
}

/// A view (profile, leaderboard): embeds only, pinging nobody even when public.
fn message(
    embed: Embed,
    components: Vec<Component>,
    update: bool,
    private: bool,
) -> InteractionResponse {
    if update {
        mentions::update(&Pings::nobody())
            .embeds([embed])
            .components(components)
            .build()
    } else {
        let new = mentions::reply(&Pings::nobody())
            .embeds([embed])
            .components(components);
        if private {
            new.flags(MessageFlags::EPHEMERAL).build()
        } else {
            new.build()
        }
    }
}

/// A private view: a new ephemeral message, or (after a click on it) the same message updated.
#[must_use]
pub fn private_view(embed: Embed, components: Vec<Component>, update: bool) -> InteractionResponse {
    if update {
        mentions::update(&Pings::nobody())
            .embeds([embed])
            .components(components)
            .build()
    } else {
        mentions::reply(&Pings::nobody())
            .embeds([embed])
            .components(components)
            .flags(MessageFlags::EPHEMERAL)
            .build()
    }
}

/// `text` cut to `limit` characters, with a clear mark when cut.
#[must_use]
pub fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let kept: String = text.chars().take(limit.saturating_sub(1)).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_a_mark_inside_the_limit() {
        let long = "x".repeat(3000);
        let cut = truncate(&long, CONTENT_LIMIT);
        assert_eq!(cut.chars().count(), CONTENT_LIMIT);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate("short", 10), "short");
    }
}
