//! What answers read of `teams` and `team_members`: pages of teams, and the teams a member is in.

use super::MilestoneView;
use sqlx::PgPool;
use sqlx::types::Json;
use studio_schema::{GuildId, UserId};

/// A team as listed, with its wallet and members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamSummary {
    pub team_id: i64,
    pub name: String,
    pub description: String,
    pub open: bool,
    pub owner: i64,
    pub members: i64,
    pub milestones: Vec<MilestoneView>,
    /// Percent of the milestones done.
    pub progress: i64,
    /// The balance of the team's wallet.
    pub wallet: i64,
    /// Its members, in id order.
    pub member_ids: Vec<i64>,
}

/// A page of active teams — those `member` is in, or every one when `browse` — the biggest first;
/// and how many there are in all.
///
/// # Errors
/// The database is unreachable, or a row does not decode.
pub async fn page(
    pool: &PgPool,
    guild: GuildId,
    member: UserId,
    browse: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<TeamSummary>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT t.team_id, t.name, t.description, t.open, t.owner, t.members,
                  t.milestones AS "milestones: Json<Vec<MilestoneView>>", t.progress,
                  coalesce((SELECT a.balance FROM views.accounts a
                            WHERE a.guild_id = t.guild_id AND a.account = 'team:' || t.team_id),
                           0) AS "wallet!",
                  coalesce((SELECT array_agg(m.user_id ORDER BY m.user_id)
                            FROM views.team_members m
                            WHERE m.guild_id = t.guild_id AND m.team_id = t.team_id),
                           '{}') AS "member_ids!: Vec<i64>"
           FROM views.teams t
           WHERE t.guild_id = $1 AND t.status = 'active' AND ($2 OR EXISTS (
                 SELECT 1 FROM views.team_members m
                 WHERE m.guild_id = t.guild_id AND m.team_id = t.team_id AND m.user_id = $3))
           ORDER BY t.members DESC, t.team_id LIMIT $4 OFFSET $5"#,
        guild.0,
        browse,
        member.0,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM views.teams t
           WHERE t.guild_id = $1 AND t.status = 'active' AND ($2 OR EXISTS (
                 SELECT 1 FROM views.team_members m
                 WHERE m.guild_id = t.guild_id AND m.team_id = t.team_id AND m.user_id = $3))"#,
        guild.0,
        browse,
        member.0
    )
    .fetch_one(pool)
    .await?;
    let rows = rows
        .into_iter()
        .map(|r| TeamSummary {
            team_id: r.team_id,
            name: r.name,
            description: r.description,
            open: r.open,
            owner: r.owner,
            members: r.members,
            milestones: r.milestones.0,
            progress: r.progress,
            wallet: r.wallet,
            member_ids: r.member_ids,
        })
        .collect();
    Ok((rows, total))
}

/// The active teams `user` is in, as `#<id> <name>`, in id order.
///
/// # Errors
/// The database is unreachable.
pub async fn names_of(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT '#' || t.team_id || ' ' || t.name AS "name!"
           FROM views.team_members m
           JOIN views.teams t ON t.guild_id = m.guild_id AND t.team_id = m.team_id
           WHERE m.guild_id = $1 AND m.user_id = $2 AND t.status = 'active'
           ORDER BY t.team_id"#,
        guild.0,
        user.0
    )
    .fetch_all(pool)
    .await
}
