//! The scratch database, the projection and the comparisons of `one_model.rs`.

pub mod commands;
pub mod compare;
pub mod histories;

use crate::common::with_database;
use chrono::{DateTime, Utc};
use command_service::domain::GuildState;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};
use studio_schema::log::{self, NewEvent};
use studio_schema::{Event, GuildId};

/// One scratch database for a property's cases, each case in its own guild.
pub struct Scratch {
    runtime: tokio::runtime::Runtime,
    admin_url: String,
    database: String,
    pub pool: PgPool,
    next_guild: AtomicI64,
}

fn admin_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

impl Scratch {
    /// A fresh, migrated database with the live views created.
    pub fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let admin_url = admin_url();
        let database = format!(
            "one_model_{}",
            &uuid::Uuid::new_v4().simple().to_string()[..16]
        );
        let pool = runtime.block_on(async {
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect(&admin_url)
                .await
                .expect("connect to DATABASE_URL (or postgres://postgres@127.0.0.1:5432)");
            sqlx::query(&format!("CREATE DATABASE {database}"))
                .execute(&admin)
                .await
                .expect("create scratch database");
            admin.close().await;
            let pool = PgPoolOptions::new()
                .max_connections(4)
                .connect(&with_database(&admin_url, &database))
                .await
                .expect("connect to scratch database");
            studio_schema::MIGRATOR
                .run(&pool)
                .await
                .expect("migrations");
            projector::tail::ensure_views(&pool).await.expect("views");
            pool
        });
        Self {
            runtime,
            admin_url,
            database,
            pool,
            next_guild: AtomicI64::new(1),
        }
    }

    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// A guild no earlier case used.
    pub fn guild(&self) -> GuildId {
        GuildId(self.next_guild.fetch_add(1, Ordering::Relaxed))
    }

    pub fn drop_database(&self) {
        self.runtime.block_on(async {
            self.pool.close().await;
            if let Ok(admin) = PgPoolOptions::new()
                .max_connections(1)
                .connect(&self.admin_url)
                .await
            {
                let _ = sqlx::query(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.database
                ))
                .execute(&admin)
                .await;
                admin.close().await;
            }
        });
    }

    /// Appends `events` to the guild of `state` after its head and folds them into it, as the
    /// writer does. Returns `Err` when another append moved the head first (the fence).
    pub async fn append(
        &self,
        state: &mut GuildState,
        events: &[Event],
        at: DateTime<Utc>,
    ) -> Result<(), log::AppendError> {
        if events.is_empty() {
            return Ok(());
        }
        let new: Vec<NewEvent> = events
            .iter()
            .map(|e| NewEvent {
                event: e.clone(),
                actor_id: None,
                causation_id: "one_model".into(),
                occurred_at: at,
            })
            .collect();
        log::append(&self.pool, state.guild, state.last_seq, &new, &[]).await?;
        for e in events {
            let seq = state.last_seq + 1;
            state.apply(seq, e);
        }
        Ok(())
    }

    /// Runs the projector, `batch` events per transaction, until the views hold the guild's
    /// events up to `seq`. (An empty batch does not mean caught up: the log's global read stops
    /// at the oldest transaction still open anywhere on the server, e.g. another test's.)
    pub async fn project(&self, guild: GuildId, seq: i64, batch: i64) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let mut tx = self.pool.begin().await.map_err(|e| e.to_string())?;
            projector::store::use_schema(&mut tx, studio_schema::views::SCHEMA)
                .await
                .map_err(|e| e.to_string())?;
            let applied = projector::store::apply_next(&mut tx, batch, false)
                .await
                .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())?;
            if applied.events > 0 {
                continue;
            }
            let projected: Option<i64> = sqlx::query_scalar(
                "SELECT last_seq FROM views.guild_checkpoints WHERE guild_id = $1",
            )
            .bind(guild.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| e.to_string())?;
            if projected.unwrap_or(0) >= seq {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!(
                    "the views of guild {guild} stayed behind seq {seq}"
                ));
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    /// The guild's log replayed into a fresh state.
    pub async fn replay(&self, guild: GuildId) -> Result<GuildState, String> {
        let mut state = GuildState::new(guild);
        loop {
            let batch = log::read_guild(&self.pool, guild, state.last_seq, 500)
                .await
                .map_err(|e| e.to_string())?;
            if batch.is_empty() {
                return Ok(state);
            }
            for e in batch {
                state.apply(e.guild_seq, &e.event);
            }
        }
    }

    /// Projects, then compares the decider's state with the views and with a replay.
    pub async fn agree(&self, state: &GuildState, batch: i64) -> Result<(), String> {
        self.project(state.guild, state.last_seq, batch).await?;
        compare::views_hold(&self.pool, state).await?;
        let replayed = self.replay(state.guild).await?;
        if &replayed != state {
            return Err(format!(
                "a replay of guild {} differs from the decider's state",
                state.guild
            ));
        }
        Ok(())
    }
}
