//! The rendered card: a PNG of the right size whose bar follows the XP, for any name.

use resvg::tiny_skia::Pixmap;
use studio_card::{Card, HEIGHT, WIDTH, render, svg};

fn card(name: &str) -> Card<'_> {
    Card {
        name,
        level: 12,
        xp: 1_234,
        level_floor_xp: 1_000,
        next_level_xp: 2_000,
        rank: "Expert",
        reputation: 42,
        credits: None,
        leaderboard_position: Some(3),
    }
}

fn pixmap(card: &Card) -> Pixmap {
    let png = render(card).expect("the card renders");
    Pixmap::decode_png(&png).expect("the card is a PNG")
}

/// The RGB at the middle of the progress bar, half-way along it.
fn bar_middle(card: &Card) -> (u8, u8, u8) {
    let pixel = pixmap(card)
        .pixel(280 + 614 / 2, 218)
        .expect("inside the card");
    (pixel.red(), pixel.green(), pixel.blue())
}

const BAR_FILL: (u8, u8, u8) = (0x58, 0x65, 0xf2);
const BAR_TRACK: (u8, u8, u8) = (0x4e, 0x50, 0x58);

#[test]
fn the_png_decodes_at_the_cards_size() {
    let pixmap = pixmap(&card("Ada Lovelace"));
    assert_eq!((pixmap.width(), pixmap.height()), (WIDTH, HEIGHT));
    assert_eq!((WIDTH, HEIGHT), (934, 282));
    // The corners are rounded off, the inside is opaque.
    assert_eq!(pixmap.pixel(0, 0).expect("a corner").alpha(), 0);
    assert_eq!(
        pixmap.pixel(WIDTH / 2, 5).expect("the top edge").alpha(),
        255
    );
}

/// How many pixels of the name's area are near white (the name's glyphs).
fn name_ink(card: &Card) -> usize {
    let pixmap = pixmap(card);
    let mut ink = 0;
    for y in 40..95 {
        for x in 280..700 {
            let p = pixmap.pixel(x, y).expect("inside the card");
            if p.red() > 200 && p.green() > 200 && p.blue() > 200 {
                ink += 1;
            }
        }
    }
    ink
}

#[test]
fn the_bundled_fonts_draw_the_text() {
    assert_eq!(name_ink(&card("")), 0);
    assert!(name_ink(&card("Ada Lovelace")) > 500, "the name is drawn");
}

#[test]
fn the_bar_fills_with_the_levels_progress() {
    let at = |xp| Card { xp, ..card("Ada") };
    assert_eq!(
        bar_middle(&at(1_100)),
        BAR_TRACK,
        "10% leaves the middle empty"
    );
    assert_eq!(
        bar_middle(&at(1_900)),
        BAR_FILL,
        "90% fills past the middle"
    );
    assert_eq!(bar_middle(&at(0)), BAR_TRACK, "below the floor is empty");
    assert_eq!(
        bar_middle(&at(9_000)),
        BAR_FILL,
        "past the next level is full"
    );
}

#[test]
fn the_texts_are_on_the_card() {
    let svg = svg(&Card {
        xp: 1_234_567,
        next_level_xp: 2_000_000,
        ..card("Ada Lovelace")
    });
    for text in [
        ">Ada Lovelace<",
        ">AL<",
        ">Level 12<",
        ">Rank: Expert<",
        ">Reputation: 42<",
        ">#3<",
        ">1,234,567 / 2,000,000 XP<",
    ] {
        assert!(svg.contains(text), "{text} missing from {svg}");
    }
}

#[test]
fn credits_show_only_on_ones_own_card() {
    let others = card("Ada");
    assert!(!svg(&others).contains("Credits"));
    let own = Card {
        credits: Some(12_345),
        ..others
    };
    assert!(svg(&own).contains(">Credits: 12,345<"));
    render(&own).expect("the card with credits renders");
}

#[test]
fn no_leaderboard_position_shows_none() {
    let svg = svg(&Card {
        leaderboard_position: None,
        ..card("Ada")
    });
    assert!(!svg.contains(">#"));
}

#[test]
fn hostile_names_render_and_are_escaped() {
    let long = "W".repeat(200);
    let names = [
        "<script>&\"'",
        "</text><image href=\"file:///etc/passwd\"/>",
        long.as_str(),
        "🎉🔥 party 👩‍👩‍👧‍👦",
        "مرحبا بالعالم",
        "שלום עולם",
        "\u{202e}reversed\u{202c}",
        "",
        "   ",
        "tab\tnew\nline\u{0}nul\u{1b}esc\u{ffff}",
        "{{level}} {{credits}}",
        "汉字 かな",
    ];
    for name in names {
        let card = card(name);
        let svg = svg(&card);
        let pixmap = pixmap(&card);
        assert_eq!(
            (pixmap.width(), pixmap.height()),
            (WIDTH, HEIGHT),
            "{name:?}"
        );
        assert!(!svg.contains("<script"), "{name:?}");
        assert!(!svg.contains("<image"), "{name:?}");
    }
    let svg = svg(&card("<script>&\"'"));
    assert!(svg.contains(">&lt;script&gt;&amp;&quot;&apos;<"), "{svg}");
    assert!(svg.contains(">S<"), "the initials of <script> are S");
    let narrow = "il".repeat(100);
    let svg = studio_card::svg(&card(&narrow));
    assert!(
        svg.contains(&format!(">{}i…<", "il".repeat(11))),
        "a long narrow name is cut to 24 characters"
    );
    let svg = studio_card::svg(&card(&long));
    assert!(svg.contains("WWW…<"), "a long wide name is cut to fit");
    assert!(
        !svg.contains(&"W".repeat(24)),
        "a long wide name is cut to fit"
    );
    let svg = studio_card::svg(&card("🎉 Ada 🎉"));
    assert!(
        svg.contains(">Ada<"),
        "what the fonts cannot draw is left out"
    );
    assert!(studio_card::svg(&card("{{level}}")).contains(">{{level}}<"));
    assert!(studio_card::svg(&card("")).contains(">?<"));
}

#[test]
fn hostile_ranks_and_extreme_figures_render() {
    let card = Card {
        rank: "<b>&amp;</b>",
        level: u32::MAX,
        xp: i64::MIN,
        level_floor_xp: i64::MAX,
        next_level_xp: i64::MIN,
        reputation: i64::MIN,
        credits: Some(i64::MAX),
        leaderboard_position: Some(u32::MAX),
        ..card("Ada")
    };
    render(&card).expect("extreme figures render");
    let svg = svg(&Card { level: 1, ..card });
    assert!(
        svg.contains(">Rank: &lt;b&gt;&amp;amp;&lt;/b&gt;<"),
        "{svg}"
    );
}
