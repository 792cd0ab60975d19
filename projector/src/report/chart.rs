//! The report's chart: supply (a line), faucets and sinks (bars) per week, as a self-contained SVG
//! written by hand (no drawing library). Each week is a `<g class="week">` carrying its numbers as
//! `data-` attributes, so a script can read the series back from the file.

use super::supply::Money;
use std::fmt::Write as _;

const WIDTH: f64 = 860.0;
const HEIGHT: f64 = 420.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 60.0;
const FAUCET: &str = "#2e8b57";
const SINK: &str = "#c0392b";
const SUPPLY: &str = "#1f5fbf";

/// Escapes text for XML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The chart of `money`'s weeks, titled `title`.
#[must_use]
#[allow(clippy::cast_precision_loss)] // credits and week counts stay far below 2^52
pub fn svg(title: &str, money: &Money) -> String {
    let weeks = &money.weeks;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let top_value = weeks
        .iter()
        .flat_map(|w| [w.supply, w.faucets_total(), w.sinks_total()])
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let y = |v: i64| TOP + plot_h - (v.max(0) as f64 / top_value) * plot_h;
    let slot = plot_w / weeks.len().max(1) as f64;
    let bar = (slot * 0.3).min(40.0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">
<title>{}</title>
<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>
<text x="{LEFT}" y="24" font-size="16">{}</text>"#,
        escape(title),
        escape(title)
    );
    // Axes and gridlines at quarters of the top value.
    for q in 0..=4_i32 {
        let value = top_value * f64::from(q) / 4.0;
        let gy = TOP + plot_h - plot_h * f64::from(q) / 4.0;
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" y1="{gy:.1}" x2="{:.1}" y2="{gy:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{value:.0}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            gy + 4.0
        );
    }
    let _ = writeln!(
        out,
        r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{:.1}" stroke="#333"/><line x1="{LEFT}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#333"/>"##,
        TOP + plot_h,
        TOP + plot_h,
        WIDTH - RIGHT,
        TOP + plot_h
    );
    let mut line = Vec::new();
    for (i, w) in weeks.iter().enumerate() {
        let x = LEFT + slot * (i as f64 + 0.5);
        let (faucets, sinks) = (w.faucets_total(), w.sinks_total());
        let _ = writeln!(
            out,
            r#"<g class="week" data-week="{}" data-supply="{}" data-faucets="{faucets}" data-sinks="{sinks}" data-member-volume="{}">"#,
            w.start, w.supply, w.member_volume
        );
        let _ = writeln!(
            out,
            r#"<rect class="faucets" x="{:.1}" y="{:.1}" width="{bar:.1}" height="{:.1}" fill="{FAUCET}"><title>faucets {faucets}</title></rect>"#,
            x - bar,
            y(faucets),
            TOP + plot_h - y(faucets)
        );
        let _ = writeln!(
            out,
            r#"<rect class="sinks" x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{:.1}" fill="{SINK}"><title>sinks {sinks}</title></rect>"#,
            y(sinks),
            TOP + plot_h - y(sinks)
        );
        let _ = writeln!(
            out,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            TOP + plot_h + 18.0,
            w.start.format("%m-%d")
        );
        let _ = writeln!(out, "</g>");
        line.push(format!("{x:.1},{:.1}", y(w.supply)));
    }
    let _ = writeln!(
        out,
        r#"<polyline class="supply" points="{}" fill="none" stroke="{SUPPLY}" stroke-width="2.5"/>"#,
        line.join(" ")
    );
    for point in &line {
        if let Some((px, py)) = point.split_once(',') {
            let _ = writeln!(
                out,
                r#"<circle cx="{px}" cy="{py}" r="3.5" fill="{SUPPLY}"/>"#
            );
        }
    }
    // Legend.
    let ly = HEIGHT - 18.0;
    for (n, (color, label)) in [
        (SUPPLY, "supply at week's end"),
        (FAUCET, "faucets (mint and treasury paid out)"),
        (SINK, "sinks (taken into treasury or mint)"),
    ]
    .into_iter()
    .enumerate()
    {
        let lx = LEFT + 250.0 * n as f64;
        let _ = writeln!(
            out,
            r#"<rect x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{color}"/><text x="{:.1}" y="{ly:.1}">{label}</text>"#,
            ly - 10.0,
            lx + 16.0
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{Period, Span, supply};
    use super::*;

    #[test]
    fn the_chart_is_an_svg_with_one_group_per_week_carrying_its_numbers() {
        let events = Log::new()
            .at(days(0), grant(ADMIN, ALICE, 1000))
            .at(days(8), revoke(ADMIN, ALICE, 100))
            .at(days(15), quest(ALICE, 50))
            .events();
        let (money, _) = supply::money(&events, Span::of(&events, Period::default()));
        let svg = svg("guild <1> & co", &money);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let weeks: Vec<(String, String, String, String)> = root
            .children()
            .filter(|n| n.attribute("class") == Some("week"))
            .map(|n| {
                let a = |k| n.attribute(k).unwrap_or_default().to_owned();
                (
                    a("data-week"),
                    a("data-supply"),
                    a("data-faucets"),
                    a("data-sinks"),
                )
            })
            .collect();
        let want = |w: &str, s: &str, f: &str, k: &str| {
            (w.to_owned(), s.to_owned(), f.to_owned(), k.to_owned())
        };
        assert_eq!(
            weeks,
            vec![
                want("2026-01-05", "1000", "1000", "0"),
                want("2026-01-12", "900", "0", "100"),
                want("2026-01-19", "950", "50", "0"),
            ]
        );
        let supply_line = root
            .children()
            .find(|n| n.attribute("class") == Some("supply"))
            .and_then(|n| n.attribute("points"))
            .expect("a supply line");
        assert_eq!(supply_line.split(' ').count(), 3);
        assert!(
            roxmltree::Document::parse(&super::svg(
                "empty",
                &supply::money(&[], Span::of(&[], Period::default())).0
            ))
            .is_ok(),
            "a period without events still draws"
        );
    }
}
