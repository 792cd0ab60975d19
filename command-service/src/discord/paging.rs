//! The buttons every private view shares: one button for an [`Action`], and the Previous / Next
//! row of a paginated view.

use super::custom_id::{Action, Slot};
use super::render::truncate;
use twilight_model::channel::message::component::{ActionRow, ButtonStyle, Component};
use twilight_util::builder::message::ButtonBuilder;

/// A button that asks for `action`.
#[must_use]
pub fn button(label: &str, action: &Action, style: ButtonStyle, disabled: bool) -> Component {
    ButtonBuilder::new(style)
        .label(truncate(label, 80))
        .custom_id(action.to_string())
        .disabled(disabled)
        .build()
        .into()
}

/// How many pages `total` items make at `per_page` (at least one).
#[must_use]
pub fn pages(total: i64, per_page: i64) -> u32 {
    let per_page = per_page.max(1);
    u32::try_from((total.max(1) + per_page - 1) / per_page).unwrap_or(1)
}

/// The Previous / Next row for `page` of `total` items, if there is more than one page; `to`
/// names the view at a page, clicked from a slot.
#[must_use]
pub fn pager(
    page: u32,
    total: i64,
    per_page: i64,
    to: impl Fn(u32, Slot) -> Action,
) -> Option<Component> {
    let pages = pages(total, per_page);
    if pages <= 1 {
        return None;
    }
    let go = |label: &str, at: u32, slot, disabled| {
        button(label, &to(at, slot), ButtonStyle::Secondary, disabled)
    };
    Some(Component::ActionRow(ActionRow {
        components: vec![
            go(
                "◀ Previous",
                page.saturating_sub(1),
                Slot::Previous,
                page == 0,
            ),
            go("Next ▶", page + 1, Slot::Next, page + 1 >= pages),
        ],
        id: None,
    }))
}
