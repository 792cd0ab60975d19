//! `tournaments`: each tournament (the model's tournament) — its pool, entrants and result; the
//! projector's load and write of it, and the list members see.

use crate::Row;
use crate::row::{column, id_array, json};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use studio_model::tournament::{Tournament, TournamentStatus};
use studio_schema::{Credits, GuildId, UserId};

pub const DDL: &str = include_str!("tournaments.sql");

/// `(guild, tournament)`: the key of a `tournaments` row.
pub type TournamentKey = (i64, i64);

/// A row of `tournaments`: the model's tournament, and the seq of the last event about it.
pub type TournamentRow = Row<Tournament, i64>;

/// The `tournaments` rows of `keys` that exist.
///
/// # Errors
/// The database is unreachable, or a row does not decode.
pub async fn load(
    conn: &mut PgConnection,
    keys: &[TournamentKey],
) -> Result<Vec<(TournamentKey, TournamentRow)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (guilds, tournaments) = (column(keys, |k| k.0), column(keys, |k| k.1));
    let found = sqlx::query!(
        r#"SELECT t.guild_id, t.tournament_id, name, prize, source, ends_at, status, entrant_ids,
                  placings AS "placings: Json<Vec<(UserId, Credits)>>", updated_seq
           FROM tournaments t
           JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, tournament_id)
             ON t.guild_id = k.guild_id AND t.tournament_id = k.tournament_id"#,
        &guilds,
        &tournaments
    )
    .fetch_all(&mut *conn)
    .await?;
    found
        .into_iter()
        .map(|r| {
            let status = match r.status.as_str() {
                "paid" => TournamentStatus::Paid(r.placings.0),
                "cancelled" => TournamentStatus::Cancelled,
                _ => TournamentStatus::Open,
            };
            let row = TournamentRow {
                entity: Tournament {
                    name: r.name,
                    prize: Credits(r.prize),
                    source: r
                        .source
                        .parse()
                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                    ends_at: r.ends_at,
                    entrants: r.entrant_ids.into_iter().map(UserId).collect(),
                    status,
                },
                view: r.updated_seq,
            };
            Ok(((r.guild_id, r.tournament_id), row))
        })
        .collect()
}

/// The placings of a paid tournament, first first.
fn placings(t: &Tournament) -> &[(UserId, Credits)] {
    match &t.status {
        TournamentStatus::Paid(placings) => placings,
        _ => &[],
    }
}

/// The winners as the list shows them: one `<@member> prize` line each.
fn winners(t: &Tournament) -> String {
    placings(t)
        .iter()
        .map(|(m, c)| format!("<@{m}> {c}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Inserts or replaces `tournaments` rows.
///
/// # Errors
/// The database is unreachable.
pub async fn write(
    conn: &mut PgConnection,
    rows: &[(&TournamentKey, &TournamentRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let placings = rows
        .iter()
        .map(|(_, r)| json(&placings(&r.entity)))
        .collect::<Result<Vec<_>, _>>()?;
    sqlx::query!(
        "INSERT INTO tournaments (guild_id, tournament_id, name, prize, source, ends_at, status,
                                  entrants, entrant_ids, winners, placings, updated_seq)
         SELECT g, t, n, p, s, e, st, cardinality(ei::bigint[]), ei::bigint[], w, pl, u
         FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[],
                     $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::jsonb[],
                     $11::bigint[]) AS x(g, t, n, p, s, e, st, ei, w, pl, u)
         ON CONFLICT (guild_id, tournament_id) DO UPDATE SET
             name = EXCLUDED.name, prize = EXCLUDED.prize, source = EXCLUDED.source,
             ends_at = EXCLUDED.ends_at, status = EXCLUDED.status, entrants = EXCLUDED.entrants,
             entrant_ids = EXCLUDED.entrant_ids, winners = EXCLUDED.winners,
             placings = EXCLUDED.placings, updated_seq = EXCLUDED.updated_seq",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(_, r)| r.entity.name.clone()),
        &column(rows, |(_, r)| r.entity.prize.0),
        &column(rows, |(_, r)| r.entity.source.to_string()),
        &column(rows, |(_, r)| r.entity.ends_at),
        &column(rows, |(_, r)| r.entity.status.name().to_owned()),
        &column(rows, |(_, r)| id_array(
            r.entity.entrants.iter().map(|u| u.0)
        )),
        &column(rows, |(_, r)| winners(&r.entity)),
        &placings,
        &column(rows, |(_, r)| r.view),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A tournament as members see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TournamentSummary {
    pub tournament_id: i64,
    pub name: String,
    pub prize: i64,
    pub ends_at: DateTime<Utc>,
    pub status: String,
    pub entrants: i64,
    pub winners: String,
}

/// The latest `limit` tournaments, open ones first.
///
/// # Errors
/// The database is unreachable.
pub async fn latest(
    pool: &PgPool,
    guild: GuildId,
    limit: i64,
) -> Result<Vec<TournamentSummary>, sqlx::Error> {
    sqlx::query_as!(
        TournamentSummary,
        "SELECT tournament_id, name, prize, ends_at, status, entrants, winners
         FROM views.tournaments WHERE guild_id = $1
         ORDER BY (status = 'open') DESC, tournament_id DESC LIMIT $2",
        guild.0,
        limit
    )
    .fetch_all(pool)
    .await
}
