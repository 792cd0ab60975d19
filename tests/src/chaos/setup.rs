//! Before the chaos: the guild is seen, every member gets a float of credits, members list things
//! to buy, and one open team holds every member. Each step offers its interactions again until the
//! log (or the views) shows them, so a slow start cannot break the setup.

use super::pg::Postgres;
use super::world::{GUILD, Listing, World};
use anyhow::{Result, bail};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Credits each member starts with.
pub const FLOAT: i64 = 100_000;
/// The one team's name.
const TEAM: &str = "Chaos Crew";
/// How long one setup step may stand still before it is offered again.
const STEP_WAIT: Duration = Duration::from_secs(15);

/// The first column of `sql`'s rows.
async fn column(pg: &Postgres, sql: &str) -> Result<HashSet<String>> {
    Ok(pg
        .query(sql)
        .await?
        .into_iter()
        .filter_map(|r| r.into_iter().next())
        .collect())
}

/// Offers `dispatch(key)` for each key `done` does not list yet, until all are listed.
async fn ensure(
    pg: &Postgres,
    what: &str,
    keys: &[String],
    done: &str,
    mut dispatch: impl FnMut(&str),
) -> Result<()> {
    for _round in 0..5 {
        let listed = column(pg, done).await?;
        let missing: Vec<&String> = keys.iter().filter(|k| !listed.contains(*k)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        for key in missing {
            dispatch(key);
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
        let started = Instant::now();
        while started.elapsed() < STEP_WAIT {
            let listed = column(pg, done).await?;
            if keys.iter().all(|k| listed.contains(k)) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    bail!("setup: not every {what} got through")
}

/// Waits until `sql` counts at least `want`.
async fn at_least(pg: &Postgres, sql: &str, want: i64, within: Duration) -> Result<()> {
    let started = Instant::now();
    loop {
        if pg.scalar(sql).await.unwrap_or(0) >= want {
            return Ok(());
        }
        if started.elapsed() > within {
            bail!("setup: `{sql}` never reached {want}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Makes the guild ready for the chaos: floats, `listings` listings, the team.
pub async fn prepare(world: &mut World, pg: &Postgres, listings: usize) -> Result<()> {
    if !world.discord.wait_identified(Duration::from_secs(60)).await {
        bail!("setup: the gateway worker never identified");
    }
    let registered = world
        .discord
        .wait_for(Duration::from_secs(60), |d| {
            (!d.registered_commands().is_empty()).then_some(())
        })
        .await;
    if registered.is_none() {
        bail!("setup: the command service never registered its commands");
    }
    at_least(
        pg,
        "SELECT count(*) FROM event_log WHERE event_type IN ('MemberSeen', 'MemberJoined')",
        world.members.len() as i64 + 1,
        Duration::from_secs(60),
    )
    .await?;

    let ids: Vec<String> = world
        .members
        .iter()
        .map(|m| m.user_id.to_string())
        .collect();
    ensure(
        pg,
        "grant",
        &ids,
        "SELECT payload->>'member' FROM event_log WHERE event_type = 'CreditsGranted'",
        |id| {
            if let Ok(id) = id.parse() {
                world.grant(id, FLOAT);
            }
        },
    )
    .await?;

    let titles: Vec<String> = (0..listings).map(|l| format!("Chaos asset {l}")).collect();
    ensure(
        pg,
        "listing",
        &titles,
        &format!("SELECT title FROM views.listings WHERE guild_id = {GUILD}"),
        |title| {
            let l: usize = title
                .rsplit(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let seller = &world.members[l % world.members.len()];
            world.sell(seller, title, 5 + (l as i64 * 7) % 45);
        },
    )
    .await?;
    let rows = pg
        .query(&format!(
            "SELECT listing_id, version, seller FROM views.listings
             WHERE guild_id = {GUILD} AND active ORDER BY listing_id"
        ))
        .await?;
    world.listings = rows
        .iter()
        .filter_map(|r| {
            let seller: u64 = r.get(2)?.parse().ok()?;
            Some(Listing {
                id: r.first()?.parse().ok()?,
                version: r.get(1)?.parse().ok()?,
                seller: world.members.iter().position(|m| m.user_id == seller)?,
            })
        })
        .collect();
    if world.listings.len() < listings {
        bail!(
            "setup: {} of {listings} listings are up",
            world.listings.len()
        );
    }

    let owner = world.members[0].clone();
    ensure(
        pg,
        "team",
        &[TEAM.to_owned()],
        &format!("SELECT name FROM views.teams WHERE guild_id = {GUILD}"),
        |_| {
            world.submit(
                &owner,
                "f:team",
                &[
                    ("name", TEAM),
                    ("description", "Shipping under fire"),
                    ("open", "yes"),
                ],
            );
        },
    )
    .await?;
    world.team = pg
        .scalar(&format!(
            "SELECT team_id FROM views.teams WHERE guild_id = {GUILD} AND name = '{TEAM}'"
        ))
        .await?;
    let joiners: Vec<String> = ids.clone();
    ensure(
        pg,
        "team member",
        &joiners,
        &format!(
            "SELECT user_id FROM views.team_members WHERE guild_id = {GUILD} AND team_id = {}",
            world.team
        ),
        |id| {
            if let Some(m) = world.members.iter().find(|m| m.user_id.to_string() == id) {
                world.team_cmd(m, "join", &[]);
            }
        },
    )
    .await?;
    Ok(())
}
