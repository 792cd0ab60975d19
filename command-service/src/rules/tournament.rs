//! Tournaments: a prize pool of at least 500 credits, split among the placings.

use studio_schema::Credits;

/// The smallest prize pool.
pub const MIN_PRIZE: Credits = Credits(500);
/// The share of the pool of first, second and third place, in percent.
pub const SHARES: [i64; 3] = [50, 30, 20];
/// How long a tournament may take entries, in days.
pub const MAX_DAYS: i64 = 60;
/// Longest tournament name.
pub const NAME_CHARS: usize = 60;

/// What each of `places` placings wins from `prize`; rounding leftovers go to first place.
#[must_use]
pub fn prizes(prize: Credits, places: usize) -> Vec<Credits> {
    let mut won: Vec<Credits> = SHARES
        .iter()
        .take(places)
        .map(|share| super::economy::percent_of(prize, *share))
        .collect();
    let given: i64 = won.iter().map(|c| c.0).sum();
    let full: i64 = SHARES.iter().take(places).sum::<i64>();
    if full == 100
        && let Some(first) = won.first_mut()
    {
        first.0 += prize.0 - given;
    }
    won
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_placings_share_the_whole_pool_and_fewer_leave_the_rest() {
        assert_eq!(
            prizes(Credits(501), 3),
            vec![Credits(251), Credits(150), Credits(100)]
        );
        assert_eq!(prizes(Credits(500), 1), vec![Credits(250)]);
    }
}
