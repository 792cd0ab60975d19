//! The `/shop` view: Marketplace, My Listings, History and Credits tabs, each with its buttons.
//! Pure: the caller passes the rows and `now`. The whole view is private to the member who opened it.

use super::custom_id::{Action, ShopTab, Slot};
use super::paging::button;
use super::render::truncate;
use crate::views::PAGE;
use chrono::{DateTime, Utc};
use studio_schema::{ListingId, UserId};
use studio_views::ledger::Statement;
use studio_views::market::{History, ListingPage, ListingSummary, PurchaseSummary};
use twilight_model::channel::message::Embed;
use twilight_model::channel::message::component::{ActionRow, ButtonStyle, Component};
use twilight_model::http::interaction::InteractionResponse;
use twilight_util::builder::embed::{EmbedBuilder, EmbedFieldBuilder, EmbedFooterBuilder};
use twilight_util::builder::message::ActionRowBuilder;

const COLOUR: u32 = 0x00FE_E75C;
const FIELD_LIMIT: usize = 1024;

/// What one tab shows.
pub enum Tab<'a> {
    Market {
        page: u32,
        language: Option<&'a str>,
        listings: &'a ListingPage,
    },
    Mine {
        page: u32,
        listings: &'a ListingPage,
    },
    History(&'a History),
    Credits(&'a Statement),
}

fn row(buttons: Vec<Component>) -> Option<Component> {
    (!buttons.is_empty()).then_some({
        Component::ActionRow(ActionRow {
            components: buttons,
            id: None,
        })
    })
}

fn tabs(owner: UserId, current: ShopTab) -> Component {
    let tab = |label: &str, tab: ShopTab| {
        let style = if tab == current {
            ButtonStyle::Primary
        } else {
            ButtonStyle::Secondary
        };
        button(
            label,
            &Action::Shop {
                tab,
                page: 0,
                owner,
                slot: Slot::Period,
                language: None,
            },
            style,
            false,
        )
    };
    ActionRowBuilder::new()
        .component(tab("🛍️ Marketplace", ShopTab::Market))
        .component(tab("📦 My Listings", ShopTab::Mine))
        .component(tab("📜 History", ShopTab::History))
        .component(tab("💰 Credits", ShopTab::Credits))
        .build()
        .into()
}

fn pager(
    owner: UserId,
    tab: ShopTab,
    page: u32,
    total: i64,
    language: Option<&str>,
) -> Option<Component> {
    super::paging::pager(page, total, PAGE, |page, slot| Action::Shop {
        tab,
        page,
        owner,
        slot,
        language: language.map(str::to_owned),
    })
}

fn stars(l: &ListingSummary) -> String {
    l.rating().map_or_else(
        || "no reviews".to_owned(),
        |r| format!("★ {r:.1} ({})", l.rating_count),
    )
}

fn listing_field(l: &ListingSummary, now: DateTime<Utc>, mine: bool) -> EmbedFieldBuilder {
    let featured = if l.featured_until.is_some_and(|u| u > now) {
        "⭐ "
    } else {
        ""
    };
    let state = if mine && !l.active {
        " · delisted"
    } else {
        ""
    };
    EmbedFieldBuilder::new(
        truncate(
            &format!(
                "{featured}#{} {} — {} credits",
                l.listing_id, l.title, l.price
            ),
            256,
        ),
        truncate(
            &format!(
                "by <@{}> · {} · {} · {} sales · v{}{state}\n{}",
                l.seller,
                l.language,
                stars(l),
                l.sales,
                l.version,
                l.description
            ),
            FIELD_LIMIT,
        ),
    )
}

/// A `/shop` tab for `owner`, as a new private message or an update of the clicked view.
#[must_use]
pub fn view(tab: &Tab<'_>, owner: UserId, now: DateTime<Utc>, update: bool) -> InteractionResponse {
    let mut rows = Vec::new();
    let embed = match tab {
        Tab::Market {
            page,
            language,
            listings,
        } => {
            rows.push(tabs(owner, ShopTab::Market));
            let buys = listings
                .rows
                .iter()
                .map(|l| {
                    let action = Action::Buy {
                        listing: l.id(),
                        version: l.version,
                        owner,
                    };
                    button(
                        &format!("Buy #{} ({})", l.listing_id, l.price),
                        &action,
                        ButtonStyle::Success,
                        l.seller() == owner,
                    )
                })
                .collect();
            rows.extend(row(buys));
            rows.extend(pager(
                owner,
                ShopTab::Market,
                *page,
                listings.total,
                *language,
            ));
            let title = language.map_or_else(
                || "🛍️ Marketplace".to_owned(),
                |l| format!("🛍️ Marketplace — {l}"),
            );
            listing_embed(
                &title,
                listings,
                *page,
                now,
                false,
                "Nothing for sale yet — be the first with /sell.",
            )
        }
        Tab::Mine { page, listings } => {
            rows.push(tabs(owner, ShopTab::Mine));
            let active: Vec<&ListingSummary> = listings.rows.iter().filter(|l| l.active).collect();
            rows.extend(row(active
                .iter()
                .map(|l| {
                    button(
                        &format!("Edit #{}", l.listing_id),
                        &Action::Edit {
                            listing: l.id(),
                            owner,
                        },
                        ButtonStyle::Secondary,
                        false,
                    )
                })
                .collect()));
            rows.extend(row(active
                .iter()
                .map(|l| {
                    button(
                        &format!("Delist #{}", l.listing_id),
                        &Action::Delist {
                            listing: l.id(),
                            owner,
                        },
                        ButtonStyle::Danger,
                        false,
                    )
                })
                .collect()));
            rows.extend(row(listings
                .rows
                .iter()
                .map(|l| {
                    button(
                        &format!("🔁 Renew #{}", l.listing_id),
                        &Action::Renew {
                            listing: l.id(),
                            owner,
                        },
                        ButtonStyle::Success,
                        false,
                    )
                })
                .collect()));
            rows.extend(pager(owner, ShopTab::Mine, *page, listings.total, None));
            listing_embed(
                "📦 My Listings",
                listings,
                *page,
                now,
                true,
                "You have no listings. Sell code with /sell.",
            )
        }
        Tab::History(h) => {
            rows.push(tabs(owner, ShopTab::History));
            let owned: Vec<&PurchaseSummary> = h
                .purchases
                .iter()
                .filter(|p| p.status != "refunded")
                .collect();
            let id = |p: &PurchaseSummary| ListingId(p.listing_id);
            rows.extend(row(owned
                .iter()
                .map(|p| {
                    button(
                        &format!("Code #{}", p.listing_id),
                        &Action::Code {
                            listing: id(p),
                            owner,
                        },
                        ButtonStyle::Primary,
                        false,
                    )
                })
                .collect()));
            rows.extend(row(owned
                .iter()
                .filter(|p| !p.reviewed)
                .map(|p| {
                    button(
                        &format!("Review #{}", p.listing_id),
                        &Action::Review {
                            listing: id(p),
                            owner,
                        },
                        ButtonStyle::Secondary,
                        false,
                    )
                })
                .collect()));
            rows.extend(row(owned
                .iter()
                .filter(|p| p.status == "active")
                .map(|p| {
                    button(
                        &format!("Dispute #{}", p.listing_id),
                        &Action::Dispute {
                            listing: id(p),
                            owner,
                        },
                        ButtonStyle::Secondary,
                        false,
                    )
                })
                .collect()));
            rows.extend(row(h
                .sales
                .iter()
                .filter(|p| p.status != "refunded")
                .map(|p| {
                    let action = Action::Refund {
                        listing: id(p),
                        buyer: UserId(p.buyer),
                        owner,
                    };
                    button(
                        &format!("Refund #{} to buyer {}", p.listing_id, short(p.buyer)),
                        &action,
                        ButtonStyle::Danger,
                        false,
                    )
                })
                .collect()));
            history_embed(h)
        }
        Tab::Credits(s) => {
            rows.push(tabs(owner, ShopTab::Credits));
            statement_embed(s)
        }
    };
    super::render::private_view(embed, rows, update)
}

/// The last digits of a member id, to tell buttons apart without a mention (labels cannot mention).
fn short(user: i64) -> String {
    let s = user.to_string();
    format!("…{}", &s[s.len().saturating_sub(4)..])
}

fn listing_embed(
    title: &str,
    page: &ListingPage,
    n: u32,
    now: DateTime<Utc>,
    mine: bool,
    empty: &str,
) -> Embed {
    let pages = (page.total.max(1) + PAGE - 1) / PAGE;
    let mut e = EmbedBuilder::new().title(title).color(COLOUR);
    if page.rows.is_empty() {
        e = e.description(empty);
    }
    for l in &page.rows {
        e = e.field(listing_field(l, now, mine));
    }
    e.footer(EmbedFooterBuilder::new(format!(
        "Page {} of {pages} · {} listings",
        n + 1,
        page.total
    )))
    .build()
}

fn purchase_line(p: &PurchaseSummary, other: i64) -> String {
    let status = match p.status.as_str() {
        "refunded" => " · refunded",
        "disputed" => " · disputed",
        _ => "",
    };
    format!(
        "#{} **{}** — {} credits · <@{other}> · {}{status}",
        p.listing_id,
        p.title,
        p.price,
        p.bought_at.format("%Y-%m-%d")
    )
}

fn history_embed(h: &History) -> Embed {
    let lines = |rows: &[PurchaseSummary], buyer_side: bool| {
        if rows.is_empty() {
            return "None yet.".to_owned();
        }
        let text: Vec<String> = rows
            .iter()
            .map(|p| purchase_line(p, if buyer_side { p.seller } else { p.buyer }))
            .collect();
        truncate(&text.join("\n"), FIELD_LIMIT)
    };
    EmbedBuilder::new()
        .title("📜 History")
        .color(COLOUR)
        .field(EmbedFieldBuilder::new(
            format!("Purchases ({})", h.purchase_count),
            lines(&h.purchases, true),
        ))
        .field(EmbedFieldBuilder::new(
            format!("Sales ({})", h.sale_count),
            lines(&h.sales, false),
        ))
        .build()
}

/// A balance and its latest entries, as an embed.
#[must_use]
pub fn statement_embed(s: &Statement) -> Embed {
    let lines: Vec<String> = s
        .entries
        .iter()
        .map(|e| {
            let memo = e
                .memo
                .as_deref()
                .map_or_else(String::new, |m| format!(" — {m}"));
            format!(
                "`{:+}` → {} · {} · {}{memo}",
                e.amount,
                e.balance_after,
                e.event_type,
                e.at.format("%Y-%m-%d %H:%M")
            )
        })
        .collect();
    EmbedBuilder::new()
        .title("💰 Credits")
        .color(COLOUR)
        .description(format!("Balance: **{} credits**", s.balance))
        .field(EmbedFieldBuilder::new(
            "Recent entries",
            if lines.is_empty() {
                "None yet.".to_owned()
            } else {
                truncate(&lines.join("\n"), FIELD_LIMIT)
            },
        ))
        .build()
}

/// A member's commissions.
#[must_use]
pub fn commissions_embed(rows: &[studio_views::commissions::CommissionSummary]) -> Embed {
    let mut e = EmbedBuilder::new()
        .title("🤝 Your commissions")
        .color(COLOUR);
    if rows.is_empty() {
        e = e.description("None yet. Hire someone with `/commission offer`.");
    }
    // 8 commissions of at most ~450 characters each stay inside Discord's 6000 per message.
    for c in rows.iter().take(8) {
        let due = match c.auto_release_at {
            Some(at) if c.status == "delivered" => {
                format!("releases itself {}", at.format("%Y-%m-%d %H:%M UTC"))
            }
            _ => format!("deadline {}", c.deadline.format("%Y-%m-%d")),
        };
        e = e.field(EmbedFieldBuilder::new(
            truncate(
                &format!("#{} — {} credits — {}", c.commission_id, c.amount, c.status),
                256,
            ),
            truncate(
                &format!(
                    "client <@{}> · developer <@{}> · in escrow {} · released {} · {due}\n{}",
                    c.client, c.developer, c.escrow, c.released, c.description
                ),
                350,
            ),
        ));
    }
    e.build()
}

/// The open disputes, for admins.
#[must_use]
pub fn disputes_embed(rows: &[PurchaseSummary]) -> Embed {
    let lines: Vec<String> = rows.iter().map(|p| purchase_line(p, p.buyer)).collect();
    EmbedBuilder::new()
        .title("⚖️ Open disputes")
        .color(COLOUR)
        .description(if lines.is_empty() {
            "No open disputes.".to_owned()
        } else {
            truncate(
                &format!(
                    "{}\n\nResolve with `/market resolve listing buyer refund|reject note`.",
                    lines.join("\n")
                ),
                4000,
            )
        })
        .build()
}
