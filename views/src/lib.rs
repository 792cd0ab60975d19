//! Studio's read side, typed and in one place: the query views the projector folds the log into and
//! the command service answers from.
//!
//! One module per view, each owning
//! - its DDL (`<view>.sql` beside the module; [`ddl`] joins them, and `scripts/sqlx-prepare` applies
//!   the files to its scratch database),
//! - its row types, which the projector's pure fold reads and writes,
//! - the projector's loads and writes of a batch's rows, with unqualified table names: the
//!   projector's transaction points its `search_path` at the live `views` or at a replay's copy,
//! - the reads the command service answers with, on the live views (`views.<table>`).
//!
//! Every statement here is checked by sqlx at compile time (against the committed `.sqlx/` data,
//! made by `scripts/sqlx-prepare` from a scratch database holding the log and the views). Nothing
//! here folds events (that is the projector's fold) and nothing here touches the log.

pub mod checkpoints;
pub mod commissions;
pub mod ledger;
pub mod market;
pub mod members;
pub mod profiles;
pub mod quests;
mod row;
pub mod seasons;
pub mod settings;
pub mod teams;
pub mod tournaments;

pub use row::Row;
pub use studio_schema::views::SCHEMA;

/// Version of the views' layout (their tables, in the modules' DDL); the `layout` table records
/// the one a schema was built with, and the projector rebuilds views of any other. Bump it with
/// any change of a table.
pub const LAYOUT_VERSION: i32 = 10;

/// Every view's DDL, in the order [`ddl`] runs it.
const DDL: [&str; 11] = [
    members::DDL,
    checkpoints::DDL,
    ledger::DDL,
    market::DDL,
    commissions::DDL,
    tournaments::DDL,
    profiles::DDL,
    teams::DDL,
    quests::DDL,
    settings::DDL,
    seasons::DDL,
];

/// The DDL of every view, to run in an empty schema named by the `search_path`.
#[must_use]
pub fn ddl() -> String {
    DDL.join("\n")
}

/// [`ddl`] without its secondary indexes (each a one-line `CREATE INDEX … ;`): a replay creates
/// the tables with only their primary keys, folds the whole log into them, then builds the indexes
/// with [`indexes`] in one sort each instead of one insert per row.
#[must_use]
pub fn tables() -> String {
    ddl()
        .lines()
        .filter(|line| !is_index(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The secondary indexes [`tables`] leaves out, one statement each.
#[must_use]
pub fn indexes() -> Vec<&'static str> {
    DDL.iter()
        .flat_map(|ddl| ddl.lines())
        .filter(|line| is_index(line))
        .collect()
}

fn is_index(line: &str) -> bool {
    line.starts_with("CREATE INDEX ")
}

/// Every table of the views, with its primary key, in the order a digest reads them.
pub const VIEW_TABLES: [(&str, &str); 21] = [
    ("members", "guild_id, user_id"),
    ("xp_weekly", "guild_id, week_start, user_id"),
    ("xp_adjustments", "guild_id, guild_seq"),
    ("xp_monthly", "guild_id, month_start, user_id"),
    ("accounts", "guild_id, account"),
    ("postings", "guild_id, guild_seq, line"),
    ("listings", "guild_id, listing_id"),
    ("listing_versions", "guild_id, listing_id, version"),
    ("purchases", "guild_id, listing_id, buyer"),
    ("reviews", "guild_id, listing_id, reviewer"),
    ("commissions", "guild_id, commission_id"),
    ("tournaments", "guild_id, tournament_id"),
    ("profiles", "guild_id, user_id"),
    ("teams", "guild_id, team_id"),
    ("team_members", "guild_id, team_id, user_id"),
    ("quests", "guild_id, user_id"),
    ("guild_settings", "guild_id"),
    ("seasons", "guild_id, season"),
    ("xp_seasonal", "guild_id, season, user_id"),
    ("guild_checkpoints", "guild_id"),
    ("checkpoint", "id"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ddl_creates_every_table_a_digest_reads_and_no_other_but_the_layout() {
        let ddl = ddl();
        for (table, _) in VIEW_TABLES {
            assert!(
                ddl.contains(&format!("CREATE TABLE {table} (")),
                "no DDL for {table}"
            );
        }
        assert_eq!(
            ddl.matches("CREATE TABLE ").count(),
            VIEW_TABLES.len() + 1,
            "a table the digest does not read"
        );
        assert!(ddl.contains("CREATE TABLE layout ("));
    }

    #[test]
    fn the_tables_and_their_indexes_are_the_whole_ddl() {
        let indexes = indexes();
        assert!(indexes.len() >= 12, "{indexes:?}");
        for index in &indexes {
            assert!(index.ends_with(';'), "one line each: {index}");
        }
        let tables = tables();
        assert!(!tables.contains("INDEX"), "{tables}");
        assert_eq!(
            tables.lines().count() + indexes.len(),
            ddl().lines().count()
        );
    }
}
