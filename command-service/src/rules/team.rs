//! Teams: field and size limits, how a disbanded team's wallet is shared out, the team channel's
//! name.

use studio_schema::money::TeamId;
use studio_schema::{Credits, UserId};

pub const NAME_CHARS: usize = 40;
pub const DESCRIPTION_CHARS: usize = 300;
pub const MILESTONE_CHARS: usize = 100;
/// Most members a team may have, owner included.
pub const MAX_MEMBERS: usize = 25;
/// Most milestones a team may have.
pub const MAX_MILESTONES: usize = 25;
/// Teams per `/teams` Browse page.
pub const BROWSE_PAGE: i64 = 5;

/// How a disbanded team's wallet is returned: equal shares to every member, the remainder (what
/// does not divide evenly) to the owner. `members` includes the owner.
#[must_use]
pub fn share_out(balance: Credits, owner: UserId, members: &[UserId]) -> Vec<(UserId, Credits)> {
    let n = i64::try_from(members.len()).unwrap_or(1).max(1);
    let (share, rest) = (balance.0 / n, balance.0 % n);
    members
        .iter()
        .map(|m| (*m, Credits(share + if *m == owner { rest } else { 0 })))
        .filter(|(_, c)| c.0 > 0)
        .collect()
}

/// The name of a team's private channel.
#[must_use]
pub fn channel_name(team: TeamId) -> String {
    format!("team-{}", team.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wallet_is_shared_equally_and_the_owner_keeps_the_remainder() {
        let (a, b, c) = (UserId(1), UserId(2), UserId(3));
        assert_eq!(
            share_out(Credits(100), b, &[a, b, c]),
            vec![(a, Credits(33)), (b, Credits(34)), (c, Credits(33))]
        );
        assert_eq!(share_out(Credits(1), a, &[a, b]), vec![(a, Credits(1))]);
        assert!(share_out(Credits(0), a, &[a]).is_empty());
    }
}
