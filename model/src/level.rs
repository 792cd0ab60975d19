//! Levels: the level a member's XP reaches and their progress toward the next one, as every reader
//! shows them (the command service's answers and rank card, the projector's web pages).

use studio_schema::Xp;

/// XP per level: `level = xp / XP_PER_LEVEL + 1`.
pub const XP_PER_LEVEL: i64 = 250;

/// The level reached with `xp`.
#[must_use]
pub fn level(xp: Xp) -> i64 {
    xp.0.max(0) / XP_PER_LEVEL + 1
}

/// XP gained inside the current level and the XP the level spans: `(into, span)`.
#[must_use]
pub fn level_progress(xp: Xp) -> (i64, i64) {
    (xp.0.max(0) % XP_PER_LEVEL, XP_PER_LEVEL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_spans_250_xp_from_level_1() {
        assert_eq!(level(Xp(0)), 1);
        assert_eq!(level(Xp(249)), 1);
        assert_eq!(level(Xp(250)), 2);
        assert_eq!(level(Xp(-5)), 1);
        assert_eq!(level_progress(Xp(260)), (10, 250));
    }
}
