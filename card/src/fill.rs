//! Filling the template: each `{{key}}` in `template.svg` is replaced by its value, in one pass, so
//! a value that happens to contain `{{…}}` stays as it is.

use crate::Card;
use crate::fonts::{self, Weight};
use crate::text::{drawable, escape, fit, grouped, initials};

const TEMPLATE: &str = include_str!("template.svg");

/// The right-hand column's width in pixels (the name's row and the progress bar span it).
const COLUMN: f32 = 614.0;
/// The gap between two texts on one row, in pixels, as the template's `dx`.
const GAP: f32 = 28.0;
/// The most characters of a name a card shows (the last an ellipsis when it is cut).
const NAME_CHARS: usize = 24;
/// The most characters of a rank name a card shows.
const RANK_CHARS: usize = 24;
/// Font sizes in pixels, as in the template.
const NAME_SIZE: f32 = 38.0;
const POSITION_SIZE: f32 = 32.0;
const LEVEL_SIZE: f32 = 28.0;
const INITIALS_SIZE: f32 = 72.0;
/// The most the initials may span across the 200-pixel avatar.
const INITIALS_ROOM: f32 = 160.0;

/// The template filled in with `card`'s figures.
pub fn fill(card: &Card) -> String {
    let name = drawable(card.name, fonts::covers);
    let initials = initials(&name);
    let initials_size = INITIALS_SIZE
        .min(INITIALS_SIZE * INITIALS_ROOM / fonts::width(&initials, INITIALS_SIZE, Weight::Bold));
    let position = card
        .leaderboard_position
        .map(|p| format!("#{}", grouped(i64::from(p))))
        .unwrap_or_default();
    let name_room = if position.is_empty() {
        COLUMN
    } else {
        COLUMN - GAP - fonts::width(&position, POSITION_SIZE, Weight::Bold)
    };
    let name = fit(&name, NAME_CHARS, name_room, |s| {
        fonts::width(s, NAME_SIZE, Weight::Bold)
    });
    let level = format!("Level {}", card.level);
    let rank_room = COLUMN - GAP - fonts::width(&level, LEVEL_SIZE, Weight::Bold);
    let rank = fit(
        &format!("Rank: {}", drawable(card.rank, fonts::covers)),
        "Rank: ".len() + RANK_CHARS,
        rank_room,
        |s| fonts::width(s, LEVEL_SIZE, Weight::Regular),
    );
    let credits = card
        .credits
        .map(|c| format!("Credits: {}", grouped(c)))
        .unwrap_or_default();
    let xp = format!("{} / {} XP", grouped(card.xp), grouped(card.next_level_xp));
    let values = [
        ("name_room", format!("{name_room:.1}")),
        ("initials_size", format!("{initials_size:.1}")),
        (
            "bar_fill",
            format!("{:.1}", progress(card) * f64::from(COLUMN)),
        ),
        ("initials", escape(&initials)),
        ("name", escape(&name)),
        ("position", escape(&position)),
        ("level", escape(&level)),
        ("rank", escape(&rank)),
        (
            "reputation",
            escape(&format!("Reputation: {}", grouped(card.reputation))),
        ),
        ("credits", escape(&credits)),
        ("xp", escape(&xp)),
    ];
    substitute(TEMPLATE, &values)
}

/// How far the member is from this level's floor to the next level, from 0 to 1.
fn progress(card: &Card) -> f64 {
    let done = i128::from(card.xp) - i128::from(card.level_floor_xp);
    let span = i128::from(card.next_level_xp) - i128::from(card.level_floor_xp);
    if span <= 0 {
        return 1.0;
    }
    #[allow(clippy::cast_precision_loss)] // a ratio drawn on 614 pixels
    let ratio = done as f64 / span as f64;
    ratio.clamp(0.0, 1.0)
}

/// `template` with every `{{key}}` replaced by its value; an unknown key is left as it is.
fn substitute(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            rest = &rest[start..];
            break;
        };
        let key = &after[..end];
        match values.iter().find(|(k, _)| *k == key) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(xp: i64) -> Card<'static> {
        Card {
            name: "Ada",
            level: 3,
            xp,
            level_floor_xp: 100,
            next_level_xp: 200,
            rank: "Expert",
            reputation: 0,
            credits: None,
            leaderboard_position: None,
        }
    }

    #[test]
    fn progress_is_the_share_of_the_level_done_clamped() {
        assert!((progress(&card(100)) - 0.0).abs() < 1e-9);
        assert!((progress(&card(150)) - 0.5).abs() < 1e-9);
        assert!((progress(&card(50)) - 0.0).abs() < 1e-9);
        assert!((progress(&card(500)) - 1.0).abs() < 1e-9);
        let flat = Card {
            next_level_xp: 100,
            ..card(100)
        };
        assert!((progress(&flat) - 1.0).abs() < 1e-9);
        let extreme = Card {
            xp: i64::MAX,
            level_floor_xp: i64::MIN,
            next_level_xp: i64::MAX,
            ..card(0)
        };
        assert!((progress(&extreme) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn substitute_replaces_keys_once_and_keeps_the_unknown() {
        let values = [("a", "{{b}}".to_owned()), ("b", "B".to_owned())];
        assert_eq!(
            substitute("x{{a}}y{{b}}z{{c}}{{", &values),
            "x{{b}}yBz{{c}}{{"
        );
    }

    #[test]
    fn the_template_has_no_key_left_unfilled() {
        assert!(!fill(&card(150)).contains("{{"));
    }

    #[test]
    fn wide_names_are_cut_to_the_room_left_by_the_position() {
        let wide = "W".repeat(24);
        let alone = fill(&Card {
            name: &wide,
            ..card(0)
        });
        let beside = fill(&Card {
            name: &wide,
            leaderboard_position: Some(123_456),
            ..card(0)
        });
        // The longest text of W's is the name (the initials are one W).
        let shown = |svg: &str| {
            svg.split('>')
                .filter_map(|part| part.strip_suffix("</text").filter(|t| t.starts_with('W')))
                .map(|t| t.chars().count())
                .max()
                .unwrap_or_default()
        };
        assert!(shown(&alone) < 24, "{alone}");
        assert!(shown(&beside) < shown(&alone), "{beside}");
        assert!(alone.contains("W…<"));
    }
}
