//! The rank card `/profile` (and `/rank`) shows: the member's figures drawn as a PNG
//! (`studio-card`), attached to the Stats tab the way Discord takes files.

use crate::rules::xp;
use crate::views::MemberView;
use chrono::{DateTime, Utc};
use studio_model::settings::Settings;
use studio_schema::Xp;
use twilight_model::http::attachment::Attachment;

/// The card's file name; the Stats embed shows it as `attachment://rank-card.png`.
pub const FILE: &str = "rank-card.png";

/// `view`'s rank card, named `name` (the member's id when the interaction did not show it), with
/// their `place` on the all-time board; the credits only on one's own card. `None` (and a
/// warning) if it could not be drawn.
#[must_use]
pub fn rank_card(
    view: &MemberView,
    rules: &Settings,
    name: Option<&str>,
    own: bool,
    place: Option<i64>,
    now: DateTime<Utc>,
) -> Option<Attachment> {
    let total = Xp(view.xp);
    let (into, span) = xp::level_progress(total);
    let floor = view.xp.max(0) - into;
    let rank = rules.rank(view.tenure.time_in_guild(now)).to_string();
    let fallback = format!("Member {}", view.user);
    let card = studio_card::Card {
        name: name.unwrap_or(&fallback),
        level: u32::try_from(xp::level(total)).unwrap_or(u32::MAX),
        xp: view.xp,
        level_floor_xp: floor,
        next_level_xp: floor + span,
        rank: &rank,
        reputation: view.reputation,
        credits: own.then_some(view.credits),
        leaderboard_position: place.and_then(|p| u32::try_from(p).ok()),
    };
    match studio_card::render(&card) {
        Ok(png) => Some(Attachment::from_bytes(FILE.to_owned(), png, 0)),
        Err(err) => {
            tracing::warn!(member = %view.user, error = %err, "rank card not drawn");
            None
        }
    }
}
