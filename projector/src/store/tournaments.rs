//! `tournaments`.

use super::{Tx, column, present};
use crate::fold::{Keys, Rows, TournamentRow};
use sqlx::Row;

pub(super) async fn load(tx: &mut Tx<'_>, keys: &Keys, rows: &mut Rows) -> Result<(), sqlx::Error> {
    if keys.tournaments.is_empty() {
        return Ok(());
    }
    let found = sqlx::query(
        "SELECT t.guild_id, t.tournament_id, name, prize, source, ends_at, status, entrants,
                winners, updated_seq
         FROM tournaments t
         JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, tournament_id)
           ON t.guild_id = k.guild_id AND t.tournament_id = k.tournament_id",
    )
    .bind(column(&keys.tournaments, |k| k.0))
    .bind(column(&keys.tournaments, |k| k.1))
    .fetch_all(&mut **tx)
    .await?;
    for r in found {
        rows.tournaments.insert(
            (r.try_get("guild_id")?, r.try_get("tournament_id")?),
            Some(TournamentRow {
                name: r.try_get("name")?,
                prize: r.try_get("prize")?,
                source: r.try_get("source")?,
                ends_at: r.try_get("ends_at")?,
                status: r.try_get("status")?,
                entrants: r.try_get("entrants")?,
                winners: r.try_get("winners")?,
                updated_seq: r.try_get("updated_seq")?,
            }),
        );
    }
    Ok(())
}

pub(super) async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    let t = present(&rows.tournaments);
    if t.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO tournaments (guild_id, tournament_id, name, prize, source, ends_at, status,
                                  entrants, winners, updated_seq)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[],
                              $6::timestamptz[], $7::text[], $8::bigint[], $9::text[], $10::bigint[])
         ON CONFLICT (guild_id, tournament_id) DO UPDATE SET
             name = EXCLUDED.name, prize = EXCLUDED.prize, source = EXCLUDED.source,
             ends_at = EXCLUDED.ends_at, status = EXCLUDED.status, entrants = EXCLUDED.entrants,
             winners = EXCLUDED.winners, updated_seq = EXCLUDED.updated_seq",
    )
    .bind(column(&t, |(k, _)| k.0))
    .bind(column(&t, |(k, _)| k.1))
    .bind(column(&t, |(_, r)| r.name.clone()))
    .bind(column(&t, |(_, r)| r.prize))
    .bind(column(&t, |(_, r)| r.source.clone()))
    .bind(column(&t, |(_, r)| r.ends_at))
    .bind(column(&t, |(_, r)| r.status.clone()))
    .bind(column(&t, |(_, r)| r.entrants))
    .bind(column(&t, |(_, r)| r.winners.clone()))
    .bind(column(&t, |(_, r)| r.updated_seq))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
