//! Ranks as members read them: what each unlocks and how long a tenure reads. The ranks, their
//! thresholds and the rank a tenure earns are the model's (`studio_model::rank`).

pub use studio_model::rank::{
    MONTH, PRO_DEV_RANK, RANKS, Rank, Thresholds, next_rank, rank, reached_at,
};
pub use studio_model::tenure::{Tenure, describe};

/// Whether a rank crossed at `crossed_at` is news to announce: Studio had seen the member by then
/// (a member first seen after crossing it, on install or in a big server, is not told). Members seen
/// before Studio kept that moment (`None`) are announced as they always were.
#[must_use]
pub fn is_news(
    crossed_at: chrono::DateTime<chrono::Utc>,
    first_seen_at: Option<chrono::DateTime<chrono::Utc>>,
) -> bool {
    first_seen_at.is_none_or(|seen| crossed_at >= seen)
}

/// What each rank unlocks, cumulatively.
#[must_use]
pub fn privileges(rank: Rank) -> Vec<&'static str> {
    let all = [
        (Rank::Beginner, "Earn XP and levels, show your profile"),
        (Rank::Learner, "Sell code on the marketplace"),
        (Rank::Expert, "The Pro-Dev role and channels"),
        (
            Rank::Master,
            "Premium: /spotlight your work to the whole server",
        ),
    ];
    all.iter()
        .filter(|(r, _)| *r <= rank)
        .map(|(_, p)| *p)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privileges_add_up_by_rank() {
        assert_eq!(privileges(Rank::Beginner).len(), 1);
        assert_eq!(privileges(Rank::Master).len(), 4);
    }
}
