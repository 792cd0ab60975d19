//! Teams as members browse them: their own teams, every active team, one team's page.

use sqlx::PgPool;
use studio_schema::{GuildId, UserId};

/// A team as listed.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TeamRow {
    pub team_id: i64,
    pub name: String,
    pub description: String,
    pub open: bool,
    pub owner: i64,
    pub members: i64,
    /// `[{id, title, reward, done}]` as JSON text.
    pub milestones: String,
    pub progress: i64,
    pub wallet: i64,
    pub member_ids: Vec<i64>,
}

const SELECT: &str = "SELECT t.team_id, t.name, t.description, t.open, t.owner, t.members,
        t.milestones::text AS milestones, t.progress,
        coalesce((SELECT a.balance FROM views.accounts a
                  WHERE a.guild_id = t.guild_id AND a.account = 'team:' || t.team_id), 0) AS wallet,
        coalesce((SELECT array_agg(m.user_id ORDER BY m.user_id) FROM views.team_members m
                  WHERE m.guild_id = t.guild_id AND m.team_id = t.team_id), '{}') AS member_ids
     FROM views.teams t";

/// A page of teams — the member's own (`browse` false) or every active team — and how many there
/// are in all.
///
/// # Errors
/// The database is unreachable.
pub async fn page(
    pool: &PgPool,
    guild: GuildId,
    member: UserId,
    browse: bool,
    page: u32,
) -> Result<(Vec<TeamRow>, i64), sqlx::Error> {
    let size = crate::rules::team::BROWSE_PAGE;
    let filter = "t.guild_id = $1 AND t.status = 'active' AND ($2 OR EXISTS (
            SELECT 1 FROM views.team_members m
            WHERE m.guild_id = t.guild_id AND m.team_id = t.team_id AND m.user_id = $3))";
    let rows = sqlx::query_as(&format!(
        "{SELECT} WHERE {filter} ORDER BY t.members DESC, t.team_id LIMIT $4 OFFSET $5"
    ))
    .bind(guild.0)
    .bind(browse)
    .bind(member.0)
    .bind(size)
    .bind(i64::from(page) * size)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM views.teams t WHERE {filter}"
    ))
    .bind(guild.0)
    .bind(browse)
    .bind(member.0)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}
