//! The `/teams` board: Create, My Teams and Browse, each team with its progress, wallet,
//! milestones and members, Join buttons and paging.

use super::custom_id::{Action, Slot};
use super::paging::{button, pager, pages};
use super::render::truncate;
use crate::rules::team::BROWSE_PAGE;
use crate::rules::xp::progress_bar;
use studio_schema::UserId;
use studio_views::teams::TeamSummary;
use twilight_model::channel::message::component::{ActionRow, ButtonStyle, Component};
use twilight_model::http::interaction::InteractionResponse;
use twilight_util::builder::embed::{EmbedBuilder, EmbedFieldBuilder, EmbedFooterBuilder};

fn describe(t: &TeamSummary, viewer: UserId) -> String {
    let list = t
        .milestones
        .iter()
        .map(|m| {
            let reward = if m.reward > 0 {
                format!(" ({} each)", m.reward)
            } else {
                String::new()
            };
            format!(
                "{} #{} {}{reward}",
                if m.done { "✅" } else { "⬜" },
                m.id,
                m.title
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let members = t
        .member_ids
        .iter()
        .map(|m| {
            if *m == t.owner {
                format!("<@{m}> 👑")
            } else {
                format!("<@{m}>")
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let wallet = if t.member_ids.contains(&viewer.0) {
        format!(" · 💰 wallet {}", t.wallet)
    } else {
        String::new()
    };
    truncate(
        &format!(
            "{}\n{} {}%{wallet}\n{}\n{members}",
            t.description,
            progress_bar(t.progress, 100, 10),
            t.progress,
            if list.is_empty() {
                "No milestones yet.".to_owned()
            } else {
                list
            }
        ),
        1024,
    )
}

/// A page of teams for `owner`.
#[must_use]
pub fn board(
    rows: &[TeamSummary],
    total: i64,
    browse: bool,
    page: u32,
    owner: UserId,
    update: bool,
) -> InteractionResponse {
    let mut e = EmbedBuilder::new()
        .title(if browse {
            "🔍 Teams"
        } else {
            "👥 My teams"
        })
        .color(0x0057_F287);
    if rows.is_empty() {
        e = e.description(if browse {
            "No teams yet. Create the first one!"
        } else {
            "You are in no team yet. Create one, or Browse and join."
        });
    }
    for t in rows {
        let access = if t.open {
            "🔓 open"
        } else {
            "🔒 invite only"
        };
        e = e.field(EmbedFieldBuilder::new(
            truncate(
                &format!(
                    "#{} {} · {} members · {access}",
                    t.team_id, t.name, t.members
                ),
                256,
            ),
            describe(t, owner),
        ));
    }
    let embed = e
        .footer(EmbedFooterBuilder::new(format!(
            "Page {} of {} · {total} teams · /team for actions (join, deposit, milestones …)",
            page + 1,
            pages(total, BROWSE_PAGE)
        )))
        .build();
    let tab = |b: bool, page: u32, slot| Action::Teams {
        browse: b,
        page,
        owner,
        slot,
    };
    let mut rows_out = vec![Component::ActionRow(ActionRow {
        components: vec![
            button(
                "➕ Create team",
                &Action::CreateTeam { owner },
                ButtonStyle::Success,
                false,
            ),
            button(
                "👥 My Teams",
                &tab(false, 0, Slot::Period),
                ButtonStyle::Secondary,
                !browse,
            ),
            button(
                "🔍 Browse",
                &tab(true, 0, Slot::Period),
                ButtonStyle::Secondary,
                browse,
            ),
        ],
        id: None,
    })];
    let joinable: Vec<Component> = rows
        .iter()
        .filter(|t| browse && !t.member_ids.contains(&owner.0))
        .map(|t| {
            let label = if t.open {
                format!("Join #{}", t.team_id)
            } else {
                format!("Ask to join #{}", t.team_id)
            };
            button(
                &label,
                &Action::JoinTeam {
                    team: t.team_id,
                    owner,
                },
                ButtonStyle::Primary,
                false,
            )
        })
        .collect();
    if !joinable.is_empty() {
        rows_out.push(Component::ActionRow(ActionRow {
            components: joinable,
            id: None,
        }));
    }
    rows_out.extend(pager(page, total, BROWSE_PAGE, |page, slot| {
        tab(browse, page, slot)
    }));
    super::render::private_view(embed, rows_out, update)
}
