//! The fonts a card is drawn with: DejaVu Sans and DejaVu Sans Bold, compiled in (their license is
//! `card/fonts/LICENSE`). They are loaded once into the font database every render shares, and
//! read once for what the card needs to know before rendering: which characters they can draw and
//! how wide a text is.

use std::sync::{Arc, LazyLock};

use resvg::usvg::fontdb::{Database, Source};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// The family the template names and the one text falls back to.
pub const FAMILY: &str = "DejaVu Sans";

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A generous width of a character, in ems, for a font that could not be read (never, for the
/// bundled ones: a test reads them).
const FALLBACK_ADVANCE: f32 = 1.0;

static DATABASE: LazyLock<Arc<Database>> = LazyLock::new(|| {
    let mut db = Database::new();
    for font in [REGULAR, BOLD] {
        db.load_font_source(Source::Binary(Arc::new(font)));
    }
    for set in [
        Database::set_sans_serif_family,
        Database::set_serif_family,
        Database::set_monospace_family,
        Database::set_cursive_family,
        Database::set_fantasy_family,
    ] {
        set(&mut db, FAMILY);
    }
    Arc::new(db)
});

static FACES: LazyLock<[Option<FontRef<'static>>; 2]> =
    LazyLock::new(|| [FontRef::new(REGULAR).ok(), FontRef::new(BOLD).ok()]);

/// The shared database holding the bundled fonts and nothing else.
pub fn database() -> Arc<Database> {
    Arc::clone(&DATABASE)
}

/// The weight a text is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// Whether a bundled font has a glyph for `c` (resvg falls back from one face to the other, so
/// either will do). Whitespace always counts as drawable.
pub fn covers(c: char) -> bool {
    c.is_whitespace()
        || FACES
            .iter()
            .flatten()
            .any(|face| face.charmap().map(c).is_some())
}

/// About how wide `text` is drawn at `size` pixels in `weight`: the sum of its glyphs' advances
/// (no kerning or shaping, so a few pixels off at most for the card's texts).
pub fn width(text: &str, size: f32, weight: Weight) -> f32 {
    let [regular, bold] = &*FACES;
    let face = match weight {
        Weight::Regular => regular.as_ref().or(bold.as_ref()),
        Weight::Bold => bold.as_ref().or(regular.as_ref()),
    };
    let Some(face) = face else {
        return text.chars().map(|_| FALLBACK_ADVANCE * size).sum();
    };
    let charmap = face.charmap();
    let metrics = face.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|glyph| metrics.advance_width(glyph))
                .unwrap_or(FALLBACK_ADVANCE * size)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_fonts_are_read() {
        assert!(FACES.iter().all(Option::is_some));
        assert_eq!(DATABASE.len(), 2);
        assert!(
            DATABASE
                .faces()
                .all(|face| face.families.iter().any(|(f, _)| f == FAMILY))
        );
    }

    #[test]
    fn coverage_is_the_fonts() {
        for c in ['A', 'é', 'Ω', 'Ж', 'ש', 'م', '…', '#', ' '] {
            assert!(covers(c), "{c}");
        }
        for c in ['🎉', '汉', 'か'] {
            assert!(!covers(c), "{c}");
        }
    }

    #[test]
    fn width_grows_with_the_text_the_size_and_the_weight() {
        assert!(width("", 38.0, Weight::Bold).abs() < f32::EPSILON);
        let w = width("W", 38.0, Weight::Bold);
        assert!(w > 30.0 && w < 45.0, "{w}");
        assert!(width("WW", 38.0, Weight::Bold) > w);
        assert!(width("W", 20.0, Weight::Bold) < w);
        assert!(width("Wide", 38.0, Weight::Regular) < width("Wide", 38.0, Weight::Bold));
    }
}
