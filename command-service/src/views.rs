//! Reading the projector's views to answer members, after waiting (bounded) until they include the
//! guild's latest events, so a member sees their own writes. The reads themselves are
//! `studio_views`'; this module owns how many rows each answer shows and the member profile that
//! gathers several views.

use crate::discord::custom_id::Period;
use crate::discord::render::LEADERBOARD_PAGE;
use crate::projected::Projected;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::time::Duration;
use studio_model::calendar::{month_start, week_start};
use studio_model::season::Season;
use studio_model::tenure::Tenure;
use studio_schema::{Account, GuildId, SeasonId, UserId, Xp};
use studio_views::market::{ReviewReceived, SellerStats};
use studio_views::profiles::ProfileSummary;
use studio_views::{checkpoints, ledger, market, members, profiles, seasons, teams};

/// Listings per marketplace or My Listings page; a history shows this many purchases and sales.
pub const PAGE: i64 = 5;
/// Entries shown with a balance, and commissions listed.
pub const RECENT_ENTRIES: i64 = 10;
/// Tournaments shown by `/tournament list`.
pub const LISTED: i64 = 10;
/// Members per `/find` page.
pub const FIND_PAGE: i64 = 5;
/// Reviews shown on a portfolio.
pub const PORTFOLIO_REVIEWS: i64 = 3;
/// Disputes shown to admins.
pub const DISPUTES: i64 = 20;

/// The rows before page `page` of pages of `size`.
#[must_use]
pub fn offset(page: u32, size: i64) -> i64 {
    i64::from(page) * size
}

/// One member as the views show them.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberView {
    pub user: UserId,
    pub xp: i64,
    pub message_xp: i64,
    pub messages: i64,
    pub week_xp: i64,
    /// The season in force, if any, and the XP the member earned in it.
    pub season_xp: Option<(SeasonId, i64)>,
    pub tenure: Tenure,
    /// Reputation points received and still in force.
    pub reputation: i64,
    /// The latest reviews of the member's code.
    pub reviews: Vec<ReviewReceived>,
    /// The teams the member is in (`#n name`).
    pub teams: Vec<String>,
    /// Studio credits in the member's wallet.
    pub credits: i64,
    /// What the member says about themselves, if they set up a profile.
    pub profile: Option<ProfileSummary>,
    /// As a seller: active listings, sales, and the sum and count of review stars.
    pub seller: SellerStats,
}

/// One page of a leaderboard.
#[derive(Clone, Debug, PartialEq)]
pub struct LeaderboardPage {
    pub period: Period,
    /// The season a season board ranks (`None` before a guild's first; always `None` for the
    /// other periods).
    pub season: Option<Season>,
    pub page: u32,
    /// Each member with their XP (reputation, on the reputation board).
    pub rows: Vec<(UserId, i64)>,
    pub total: i64,
}

/// How long a waiter sleeps before reading the checkpoint again when no notice wakes it.
const RECHECK: Duration = Duration::from_millis(15);

/// Waits until the views of `guild` include its events up to `seq`, for at most `limit`. Returns
/// whether they caught up. What the projector's notices said ([`Projected`]) is enough when it
/// reaches `seq`; otherwise the checkpoint is read, and read again when a notice arrives or every
/// [`RECHECK`].
///
/// # Errors
/// The database is unreachable.
pub async fn wait_for(
    pool: &PgPool,
    projected: &Projected,
    guild: GuildId,
    seq: i64,
    limit: Duration,
) -> Result<bool, sqlx::Error> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut read_at: Option<tokio::time::Instant> = None;
    loop {
        // Made before looking, so a notice that arrives while the checkpoint is read still wakes.
        let moved = projected.moved();
        tokio::pin!(moved);
        moved.as_mut().enable();
        if projected.of(guild) >= seq {
            return Ok(true);
        }
        let now = tokio::time::Instant::now();
        if read_at.is_none_or(|at| now >= at + RECHECK) {
            read_at = Some(now);
            let read = checkpoints::projected(pool, guild).await?.unwrap_or(0);
            projected.reached(guild, read);
            if read >= seq {
                return Ok(true);
            }
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Ok(false);
        }
        let next_read = read_at.map_or(now, |at| at + RECHECK);
        let _ = tokio::time::timeout(
            next_read.min(deadline).saturating_duration_since(now),
            moved,
        )
        .await;
    }
}

/// A member's profile data; a member never seen gets an empty profile.
///
/// # Errors
/// The database is unreachable.
pub async fn member(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<MemberView, sqlx::Error> {
    let (standing, week_xp) = match members::standing(pool, guild, user).await? {
        Some(standing) => {
            let week_xp = members::week_xp(pool, guild, week_start(now), user).await?;
            (standing, week_xp)
        }
        // A member the views never saw shows no XP, this week's included.
        None => (members::Standing::default(), 0),
    };
    let season_xp = match seasons::current(pool, guild).await? {
        Some(row) => {
            let number = row.season.number;
            Some((number, seasons::season_xp(pool, guild, number, user).await?))
        }
        None => None,
    };
    let seller = market::seller_stats(pool, guild, user).await?;
    let profile = profiles::saved(pool, guild, user).await?;
    let reviews = market::reviews_received(pool, guild, user, PORTFOLIO_REVIEWS).await?;
    let teams = teams::names_of(pool, guild, user).await?;
    let credits = ledger::balance(pool, guild, Account::Member(user)).await?;
    Ok(MemberView {
        user,
        xp: standing.xp,
        message_xp: standing.message_xp,
        messages: standing.messages,
        week_xp,
        season_xp,
        tenure: standing.tenure,
        reputation: standing.reputation,
        reviews,
        teams,
        credits,
        profile,
        seller,
    })
}

/// One page of the leaderboard for `period` as of `now`.
///
/// # Errors
/// The database is unreachable.
pub async fn leaderboard(
    pool: &PgPool,
    guild: GuildId,
    period: Period,
    page: u32,
    now: DateTime<Utc>,
) -> Result<LeaderboardPage, sqlx::Error> {
    let limit = i64::from(LEADERBOARD_PAGE);
    let offset = offset(page, limit);
    let mut season = None;
    let xp = |(rows, total): (Vec<(UserId, Xp)>, i64)| {
        (rows.into_iter().map(|(u, xp)| (u, xp.0)).collect(), total)
    };
    let (rows, total) = match period {
        Period::Reputation => members::ranked_by_reputation(pool, guild, limit, offset).await?,
        Period::AllTime => xp(members::ranked(pool, guild, limit, offset).await?),
        Period::ThisWeek => {
            xp(members::ranked_in_week(pool, guild, week_start(now), limit, offset).await?)
        }
        Period::ThisMonth => {
            xp(members::ranked_in_month(pool, guild, month_start(now), limit, offset).await?)
        }
        Period::Season => match seasons::current(pool, guild).await? {
            Some(row) => {
                let ranked =
                    seasons::ranked_in_season(pool, guild, row.season.number, limit, offset)
                        .await?;
                season = Some(row.season);
                xp(ranked)
            }
            None => (Vec::new(), 0),
        },
    };
    Ok(LeaderboardPage {
        period,
        season,
        page,
        rows,
        total,
    })
}
