//! A rebuild's fold, carried across batches: the rows stay in memory from batch to batch and are
//! written once, when they grow past a limit (`STUDIO_REPLAY_FLUSH_ROWS`) or the log is read to its end, instead of being
//! loaded and written back every batch.
//!
//! A member touched by every batch of a 100 000-member guild was loaded and written once per
//! batch; carried, it is written once per flush. The fold is the live tail's ([`crate::fold`]):
//! rows a batch names that are not held yet are loaded from what earlier flushes wrote (nothing,
//! before the first), exactly as [`crate::store::apply_next`] loads them.

use crate::fold::{self, Rows};
use crate::store;
use sqlx::PgConnection;
use std::collections::BTreeMap;
use studio_schema::log::{GlobalCursor, RecordedEvent};
use studio_views::checkpoints::{self, Checkpoint};

/// Rows folded and not yet written, with the position they fold to.
#[derive(Debug, Default)]
pub struct Carried {
    rows: Rows,
    /// Whether earlier flushes wrote rows a batch may need to load.
    flushed: bool,
    /// The last event folded, and how many events the views hold with those folded.
    cursor: Option<GlobalCursor>,
    events: i64,
    /// The checkpoint the fold started from.
    start: GlobalCursor,
    /// The checkpoint the views hold: the start's, then the last flush's.
    written: Checkpoint,
    /// Events folded since the last flush.
    pending: usize,
    /// Rows held at most before they are written.
    flush_rows: usize,
}

impl Carried {
    /// Starts from the views' checkpoint (a fresh build schema's is the log's beginning), holding at
    /// most `flush_rows` rows.
    ///
    /// # Errors
    /// The views are unavailable.
    pub async fn start(conn: &mut PgConnection, flush_rows: usize) -> Result<Self, sqlx::Error> {
        let checkpoint = checkpoints::read(conn).await?;
        Ok(Self {
            flushed: checkpoint.events > 0,
            events: checkpoint.events,
            start: checkpoint.cursor,
            written: checkpoint,
            flush_rows,
            ..Self::default()
        })
    }

    /// The last event the views hold, folded or written.
    #[must_use]
    pub fn cursor(&self) -> GlobalCursor {
        self.cursor.unwrap_or(self.start)
    }

    /// Takes in the rows `batch` names that are not held yet, so [`Self::fold`] can apply it.
    ///
    /// # Errors
    /// The views are unavailable.
    pub async fn prepare(
        &mut self,
        conn: &mut PgConnection,
        batch: &[RecordedEvent],
    ) -> Result<(), sqlx::Error> {
        let missing = self.rows.missing(&fold::keys(batch));
        let mut loaded = if self.flushed {
            store::load(conn, &missing).await?
        } else {
            Rows::absent(&missing)
        };
        self.rows.take_in(&mut loaded);
        Ok(())
    }

    /// Folds `batch` (after [`Self::prepare`]), which ends at `cursor`. Pure: a rebuild runs it off
    /// the runtime's threads.
    pub fn fold(&mut self, batch: &[RecordedEvent], cursor: GlobalCursor) {
        for e in batch {
            fold::apply(&mut self.rows, e);
        }
        self.cursor = Some(cursor);
        self.events += i64::try_from(batch.len()).unwrap_or(0);
        self.pending += batch.len();
    }

    /// Whether the rows held should be written before more are folded.
    #[must_use]
    pub fn full(&self) -> bool {
        self.rows.count() >= self.flush_rows
    }

    /// Writes the rows held and the checkpoint of the last event folded, in the transactions of
    /// `conn` and `other` (half the rows each, written at once: Postgres then inserts on two
    /// cores), and starts holding afresh. Returns the events the write covers. The caller commits
    /// both, or neither.
    ///
    /// # Errors
    /// The views are unavailable.
    pub async fn flush(
        &mut self,
        conn: &mut PgConnection,
        other: &mut PgConnection,
    ) -> Result<usize, sqlx::Error> {
        let Some(cursor) = self.cursor else {
            return Ok(0);
        };
        let mut rows = std::mem::take(&mut self.rows);
        let guilds: Vec<(i64, i64)> = rows.guilds.iter().map(|(g, s)| (*g, *s)).collect();
        let half = split_half(&mut rows);
        tokio::try_join!(store::write(conn, &rows), store::write(other, &half))?;
        let to = Checkpoint {
            cursor,
            events: self.events,
        };
        if !checkpoints::advance(conn, self.written, to, &guilds).await? {
            // Nothing else writes a rebuild's schema.
            return Err(sqlx::Error::Protocol(
                "the rebuild's checkpoint moved under it".into(),
            ));
        }
        self.written = to;
        self.flushed = true;
        Ok(std::mem::take(&mut self.pending))
    }
}

/// Moves the upper half of each of `rows`' tables out (keys are disjoint, so the halves can be
/// written in any order).
fn split_half(rows: &mut Rows) -> Rows {
    fn half<K: Ord + Clone, V>(map: &mut BTreeMap<K, V>) -> BTreeMap<K, V> {
        match map.keys().nth(map.len() / 2).cloned() {
            Some(middle) => map.split_off(&middle),
            None => BTreeMap::new(),
        }
    }
    // Every field named, so a new table cannot be left out unnoticed.
    let Rows {
        members,
        weekly,
        monthly,
        seasonal,
        seasons,
        started,
        adjustments,
        guilds,
        accounts,
        postings,
        listings,
        versions,
        purchases,
        reviews,
        commissions,
        tournaments,
        profiles,
        quests,
        settings,
        teams,
        team_members,
    } = rows;
    Rows {
        members: half(members),
        weekly: half(weekly),
        monthly: half(monthly),
        seasonal: half(seasonal),
        seasons: half(seasons),
        started: half(started),
        adjustments: half(adjustments),
        guilds: half(guilds),
        accounts: half(accounts),
        postings: half(postings),
        listings: half(listings),
        versions: half(versions),
        purchases: half(purchases),
        reviews: half(reviews),
        commissions: half(commissions),
        tournaments: half(tournaments),
        profiles: half(profiles),
        quests: half(quests),
        settings: half(settings),
        teams: half(teams),
        team_members: half(team_members),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_halves_hold_every_row_once() {
        let mut rows = Rows::default();
        for user in 0..7 {
            rows.members.insert((1, user), None);
            rows.guilds.insert(user, user * 10);
        }
        rows.settings.insert(1, None);
        let whole = (
            rows.members.clone(),
            rows.guilds.clone(),
            rows.settings.clone(),
        );
        let half = split_half(&mut rows);
        assert_eq!((rows.members.len(), half.members.len()), (3, 4));
        assert_eq!((rows.settings.len(), half.settings.len()), (0, 1));
        assert!(half.weekly.is_empty() && rows.weekly.is_empty());
        let mut members = rows.members.clone();
        members.extend(half.members);
        let mut guilds = rows.guilds.clone();
        guilds.extend(half.guilds);
        let mut settings = rows.settings.clone();
        settings.extend(half.settings);
        assert_eq!((members, guilds, settings), whole);
    }
}
