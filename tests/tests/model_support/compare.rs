//! Reads every entity of a guild back from the views, through the projector's own store, and
//! compares it with the decider's.

use command_service::domain::GuildState;
use projector::fold::Keys;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::fmt::Debug;

/// Compares two entity maps by key; names the first difference.
fn same<K: Ord + Debug, V: PartialEq + Debug>(
    what: &str,
    decider: BTreeMap<K, &V>,
    views: BTreeMap<K, &V>,
) -> Result<(), String> {
    for (k, d) in &decider {
        match views.get(k) {
            Some(v) if v == d => {}
            Some(v) => {
                return Err(format!(
                    "{what} {k:?}: the decider holds {d:?}, the views {v:?}"
                ));
            }
            None => {
                return Err(format!(
                    "{what} {k:?}: the decider holds {d:?}, the views none"
                ));
            }
        }
    }
    if let Some((k, v)) = views.iter().find(|(k, _)| !decider.contains_key(k)) {
        return Err(format!(
            "{what} {k:?}: the views hold {v:?}, the decider none"
        ));
    }
    Ok(())
}

/// How many rows `table` holds for the guild.
async fn count(pool: &PgPool, table: &str, guild: i64) -> Result<usize, String> {
    let n: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM views.{table} WHERE guild_id = $1"
    ))
    .bind(guild)
    .fetch_one(pool)
    .await
    .map_err(|e| e.to_string())?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Whether the views hold exactly the decider's entities of the guild.
pub async fn views_hold(pool: &PgPool, state: &GuildState) -> Result<(), String> {
    let g = state.guild.0;
    let keys = Keys {
        members: state.members.keys().map(|u| (g, u.0)).collect(),
        accounts: state.balances.keys().map(|a| (g, a.to_string())).collect(),
        listings: state.listings.keys().map(|l| (g, l.0)).collect(),
        purchases: state.purchases.keys().map(|(l, b)| (g, l.0, b.0)).collect(),
        commissions: state.commissions.keys().map(|c| (g, c.0)).collect(),
        tournaments: state.tournaments.keys().map(|t| (g, t.0)).collect(),
        teams: state.teams.keys().map(|t| (g, t.0)).collect(),
        profiles: state.profiles.keys().map(|u| (g, u.0)).collect(),
        quests: state.quests.keys().map(|u| (g, u.0)).collect(),
        settings: vec![g],
        seasons: vec![g],
        ..Keys::default()
    };
    let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
    projector::store::use_schema(&mut tx, studio_schema::views::SCHEMA)
        .await
        .map_err(|e| e.to_string())?;
    let rows = projector::store::load(&mut tx, &keys)
        .await
        .map_err(|e| e.to_string())?;
    tx.rollback().await.map_err(|e| e.to_string())?;

    macro_rules! entities {
        ($rows:expr, $key:expr) => {
            $rows
                .iter()
                .filter_map(|(k, r)| r.as_ref().map(|r| ($key(k), &r.entity)))
                .collect::<BTreeMap<_, _>>()
        };
    }
    same(
        "member",
        state.members.iter().map(|(k, v)| (k.0, v)).collect(),
        entities!(rows.members, |k: &(i64, i64)| k.1),
    )?;
    same(
        "account",
        state
            .balances
            .iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        entities!(rows.accounts, |k: &(i64, String)| k.1.clone()),
    )?;
    same(
        "listing",
        state.listings.iter().map(|(k, v)| (k.0, v)).collect(),
        entities!(rows.listings, |k: &(i64, i64)| k.1),
    )?;
    same(
        "purchase",
        state
            .purchases
            .iter()
            .map(|((l, b), v)| ((l.0, b.0), v))
            .collect(),
        entities!(rows.purchases, |k: &(i64, i64, i64)| (k.1, k.2)),
    )?;
    same(
        "commission",
        state.commissions.iter().map(|(k, v)| (k.0, v)).collect(),
        entities!(rows.commissions, |k: &(i64, i64)| k.1),
    )?;
    same(
        "tournament",
        state.tournaments.iter().map(|(k, v)| (k.0, v)).collect(),
        entities!(rows.tournaments, |k: &(i64, i64)| k.1),
    )?;
    same(
        "team",
        state.teams.iter().map(|(k, v)| (k.0, v)).collect(),
        entities!(rows.teams, |k: &(i64, i64)| k.1),
    )?;
    same(
        "profile",
        state.profiles.iter().map(|(k, v)| (k.0, v)).collect(),
        entities!(rows.profiles, |k: &(i64, i64)| k.1),
    )?;
    same(
        "quest log",
        state.quests.iter().map(|(k, v)| (k.0, v)).collect(),
        entities!(rows.quests, |k: &(i64, i64)| k.1),
    )?;
    let settings = rows
        .settings
        .get(&g)
        .and_then(Option::as_ref)
        .map(|r| r.settings.clone())
        .unwrap_or_default();
    if settings != state.settings {
        return Err(format!(
            "settings: the decider holds {:?}, the views {settings:?}",
            state.settings
        ));
    }
    let season = rows
        .seasons
        .get(&g)
        .and_then(Option::as_ref)
        .map(|r| r.season.clone());
    if season != state.season {
        return Err(format!(
            "season: the decider holds {:?}, the views {season:?}",
            state.season
        ));
    }
    // No row the decider does not know of.
    for (table, decider) in [
        ("members", state.members.len()),
        ("accounts", state.balances.len()),
        ("listings", state.listings.len()),
        ("purchases", state.purchases.len()),
        ("commissions", state.commissions.len()),
        ("tournaments", state.tournaments.len()),
        ("teams", state.teams.len()),
        ("profiles", state.profiles.len()),
        ("quests", state.quests.len()),
    ] {
        let views = count(pool, table, g).await?;
        if views != decider {
            return Err(format!(
                "{table}: the views hold {views} rows, the decider {decider} entities"
            ));
        }
    }
    Ok(())
}
