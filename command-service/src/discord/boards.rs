//! Community boards: the tournaments list. Pure.

use super::render::truncate;
use crate::views::community::TournamentRow;
use twilight_model::channel::message::Embed;
use twilight_util::builder::embed::{EmbedBuilder, EmbedFieldBuilder};

/// `/tournament list`.
#[must_use]
pub fn tournaments(rows: &[TournamentRow]) -> Embed {
    let mut e = EmbedBuilder::new()
        .title("🏆 Tournaments")
        .color(0x00F1_C40F);
    if rows.is_empty() {
        e = e.description("No tournaments yet.");
    }
    for t in rows {
        let state = match t.status.as_str() {
            "open" => format!(
                "open until {} · `/tournament enter id:{}`",
                t.ends_at.format("%Y-%m-%d %H:%M UTC"),
                t.tournament_id
            ),
            "paid" => format!("results:\n{}", t.winners),
            other => other.to_owned(),
        };
        e = e.field(EmbedFieldBuilder::new(
            truncate(
                &format!("#{} {} — {} credits", t.tournament_id, t.name, t.prize),
                256,
            ),
            truncate(&format!("{} entrants · {state}", t.entrants), 500),
        ));
    }
    e.build()
}
