//! Renders 200 rank cards and prints the mean time per card:
//! `cargo run --release -p studio-card --example time`. Pass a path to also write one card there.

use std::time::Instant;

use studio_card::{Card, render};

const CARDS: u32 = 200;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let names = [
        "Ada Lovelace",
        "<script>&\"'",
        "🎉 party",
        "שלום עולם",
        "Grace Hopper the Admiral",
    ];
    let card = |i: u32| Card {
        name: names[i as usize % names.len()],
        level: i,
        xp: 1_000 + i64::from(i) * 5,
        level_floor_xp: 1_000,
        next_level_xp: 2_000,
        rank: "Expert",
        reputation: i64::from(i),
        credits: i.is_multiple_of(2).then_some(12_345),
        leaderboard_position: Some(i + 1),
    };
    // The first render loads the fonts; leave it out of the mean.
    let first = Instant::now();
    let png = render(&card(0))?;
    let first = first.elapsed();
    if let Some(path) = std::env::args().nth(1) {
        std::fs::write(&path, &png)?;
        println!("wrote {path}");
    }
    let start = Instant::now();
    let mut bytes = 0;
    for i in 0..CARDS {
        bytes += render(&card(i))?.len();
    }
    let mean = start.elapsed().as_secs_f64() * 1000.0 / f64::from(CARDS);
    println!(
        "first card {:.2} ms; {CARDS} cards: {mean:.2} ms per card, {} bytes per PNG on average",
        first.as_secs_f64() * 1000.0,
        bytes / CARDS as usize
    );
    Ok(())
}
