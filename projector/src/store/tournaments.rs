//! `tournaments`.

use super::teams::array;
use super::{Tx, column, present};
use crate::fold::{Keys, Rows, TournamentRow};
use sqlx::Row;
use studio_model::tournament::{Tournament, TournamentStatus};
use studio_schema::{Credits, UserId};

pub(super) async fn load(tx: &mut Tx<'_>, keys: &Keys, rows: &mut Rows) -> Result<(), sqlx::Error> {
    if keys.tournaments.is_empty() {
        return Ok(());
    }
    let found = sqlx::query(
        "SELECT t.guild_id, t.tournament_id, name, prize, source, ends_at, status, entrant_ids,
                placings::text, updated_seq
         FROM tournaments t
         JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, tournament_id)
           ON t.guild_id = k.guild_id AND t.tournament_id = k.tournament_id",
    )
    .bind(column(&keys.tournaments, |k| k.0))
    .bind(column(&keys.tournaments, |k| k.1))
    .fetch_all(&mut **tx)
    .await?;
    let decode = |e: Box<dyn std::error::Error + Send + Sync>| sqlx::Error::Decode(e);
    for r in found {
        let source: String = r.try_get("source")?;
        let placings: String = r.try_get("placings")?;
        let placings: Vec<(UserId, Credits)> =
            serde_json::from_str(&placings).map_err(|e| decode(Box::new(e)))?;
        let status = match r.try_get::<String, _>("status")?.as_str() {
            "paid" => TournamentStatus::Paid(placings),
            "cancelled" => TournamentStatus::Cancelled,
            _ => TournamentStatus::Open,
        };
        let entrants: Vec<i64> = r.try_get("entrant_ids")?;
        rows.tournaments.insert(
            (r.try_get("guild_id")?, r.try_get("tournament_id")?),
            Some(TournamentRow {
                entity: Tournament {
                    name: r.try_get("name")?,
                    prize: Credits(r.try_get("prize")?),
                    source: source.parse().map_err(|e| decode(Box::new(e)))?,
                    ends_at: r.try_get("ends_at")?,
                    entrants: entrants.into_iter().map(UserId).collect(),
                    status,
                },
                view: r.try_get("updated_seq")?,
            }),
        );
    }
    Ok(())
}

/// The placings of a paid tournament, first first.
fn placings(t: &Tournament) -> &[(UserId, Credits)] {
    match &t.status {
        TournamentStatus::Paid(placings) => placings,
        _ => &[],
    }
}

pub(super) async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    let t = present(&rows.tournaments);
    if t.is_empty() {
        return Ok(());
    }
    let winners = |t: &Tournament| {
        placings(t)
            .iter()
            .map(|(m, c)| format!("<@{m}> {c}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    sqlx::query(
        "INSERT INTO tournaments (guild_id, tournament_id, name, prize, source, ends_at, status,
                                  entrants, entrant_ids, winners, placings, updated_seq)
         SELECT g, t, n, p, s, e, st, cardinality(ei::bigint[]), ei::bigint[], w, pl::jsonb, u
         FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[],
                     $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::text[],
                     $11::bigint[]) AS x(g, t, n, p, s, e, st, ei, w, pl, u)
         ON CONFLICT (guild_id, tournament_id) DO UPDATE SET
             name = EXCLUDED.name, prize = EXCLUDED.prize, source = EXCLUDED.source,
             ends_at = EXCLUDED.ends_at, status = EXCLUDED.status, entrants = EXCLUDED.entrants,
             entrant_ids = EXCLUDED.entrant_ids, winners = EXCLUDED.winners,
             placings = EXCLUDED.placings, updated_seq = EXCLUDED.updated_seq",
    )
    .bind(column(&t, |(k, _)| k.0))
    .bind(column(&t, |(k, _)| k.1))
    .bind(column(&t, |(_, r)| r.entity.name.clone()))
    .bind(column(&t, |(_, r)| r.entity.prize.0))
    .bind(column(&t, |(_, r)| r.entity.source.to_string()))
    .bind(column(&t, |(_, r)| r.entity.ends_at))
    .bind(column(&t, |(_, r)| r.entity.status.name()))
    .bind(column(&t, |(_, r)| {
        array(&r.entity.entrants.iter().map(|u| u.0).collect::<Vec<_>>())
    }))
    .bind(column(&t, |(_, r)| winners(&r.entity)))
    .bind(column(&t, |(_, r)| {
        serde_json::to_string(placings(&r.entity)).unwrap_or_default()
    }))
    .bind(column(&t, |(_, r)| r.view))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
