//! Writes a sample rank card to the path given (the README's picture):
//! `cargo run -p studio-card --example sample -- docs/rank-card.png`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "rank-card.png".to_owned());
    let card = studio_card::Card {
        name: "Ada Lovelace",
        level: 7,
        xp: 1_620,
        level_floor_xp: 1_500,
        next_level_xp: 1_750,
        rank: "Expert",
        reputation: 42,
        credits: Some(1_250),
        leaderboard_position: Some(3),
    };
    std::fs::write(&path, studio_card::render(&card)?)?;
    println!("wrote {path}");
    Ok(())
}
