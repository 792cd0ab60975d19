//! A member's rank card, rendered as a PNG entirely in Rust.
//!
//! The card is an SVG template (`template.svg` beside this file) filled in with the member's
//! figures ([`svg`]) and rasterized with resvg ([`render`]). The fonts it draws with ship in
//! `card/fonts/` and are compiled in, so a card looks the same on every machine and rendering never
//! reads a file or a system font. Everything here is pure: no I/O, no clock, no randomness.

mod fill;
mod fonts;
mod raster;
mod text;

pub use text::initials;

/// The card's width in pixels (the size members know from other bots' rank cards).
pub const WIDTH: u32 = 934;
/// The card's height in pixels.
pub const HEIGHT: u32 = 282;

/// What a rank card shows about one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Card<'a> {
    /// The member's display name: any Unicode; escaped for the SVG and cut to about 24 characters.
    pub name: &'a str,
    /// The member's level.
    pub level: u32,
    /// The member's total XP.
    pub xp: i64,
    /// The total XP at which the current level started.
    pub level_floor_xp: i64,
    /// The total XP at which the next level starts.
    pub next_level_xp: i64,
    /// The member's tenure rank name, e.g. "Expert".
    pub rank: &'a str,
    /// The member's reputation.
    pub reputation: i64,
    /// The member's credits: `Some` only on one's own card, and shown only then.
    pub credits: Option<i64>,
    /// The member's place on the guild's leaderboard, when they have one.
    pub leaderboard_position: Option<u32>,
}

/// Why a card could not be rendered. None of these is expected for any input: each would be a bug
/// in the template or the renderer, not in the member's data.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    /// The filled template is not an SVG usvg accepts.
    #[error("the filled card template is not valid SVG: {0}")]
    Svg(#[from] resvg::usvg::Error),
    /// The pixel buffer could not be made.
    #[error("could not allocate a {WIDTH}x{HEIGHT} pixmap")]
    Pixmap,
    /// The pixels could not be encoded as PNG.
    #[error("could not encode the card as PNG: {0}")]
    Png(String),
}

/// The card's SVG: the template filled in with `card`'s figures, every text escaped.
#[must_use]
pub fn svg(card: &Card) -> String {
    fill::fill(card)
}

/// The card as PNG bytes, [`WIDTH`] x [`HEIGHT`] pixels, drawn with the bundled fonts only.
///
/// # Errors
/// A [`CardError`] if the filled template does not parse or the PNG cannot be made; neither should
/// happen for any `card`.
pub fn render(card: &Card) -> Result<Vec<u8>, CardError> {
    raster::rasterize(&svg(card))
}
