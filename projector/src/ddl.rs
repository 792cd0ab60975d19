//! The views' tables, created inside a given schema: the live `views` or a replay's fresh copy.
//! Views are rebuilt, never patched: a change here is deployed with `projector replay`.

use sqlx::{Postgres, Transaction};

/// Version of the layout below; `views.layout` records the one a schema was built with.
pub const LAYOUT_VERSION: i32 = 7;

const TABLES: &str = r"
CREATE TABLE members (
    guild_id               bigint      NOT NULL,
    user_id                bigint      NOT NULL,
    xp                     bigint      NOT NULL,
    message_xp             bigint      NOT NULL,
    messages               bigint      NOT NULL,
    bot                    boolean     NOT NULL,
    present                boolean     NOT NULL,
    tenure_completed_secs  bigint      NOT NULL,
    stint_since            timestamptz,
    first_seen_at          timestamptz NOT NULL,
    last_seq               bigint      NOT NULL,
    reputation             bigint      NOT NULL,
    seen                   boolean     NOT NULL,
    last_rewarded_at       timestamptz,
    rank                   text,
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX members_by_xp ON members (guild_id, xp DESC, user_id);

CREATE TABLE xp_weekly (
    guild_id    bigint NOT NULL,
    week_start  date   NOT NULL,
    user_id     bigint NOT NULL,
    xp          bigint NOT NULL,
    PRIMARY KEY (guild_id, week_start, user_id)
);
CREATE INDEX xp_weekly_by_xp ON xp_weekly (guild_id, week_start, xp DESC, user_id);

CREATE TABLE xp_adjustments (
    guild_id   bigint      NOT NULL,
    guild_seq  bigint      NOT NULL,
    user_id    bigint      NOT NULL,
    change     bigint      NOT NULL,
    reason     text        NOT NULL,
    by_user    bigint      NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (guild_id, guild_seq)
);

CREATE TABLE guild_checkpoints (
    guild_id  bigint PRIMARY KEY,
    last_seq  bigint NOT NULL
);

-- Every account's balance; `account` is `Account`'s display string ('member:<id>', 'team:<n>',
-- 'escrow:<n>', 'treasury', 'mint').
CREATE TABLE accounts (
    guild_id  bigint NOT NULL,
    account   text   NOT NULL,
    balance   bigint NOT NULL,
    last_seq  bigint NOT NULL,
    PRIMARY KEY (guild_id, account)
);

-- Every line of every money event: `line` is its 1-based index in the event's postings,
-- `balance_after` the account's balance after it, `counterparts` the event's other lines.
CREATE TABLE postings (
    guild_id       bigint      NOT NULL,
    guild_seq      bigint      NOT NULL,
    line           integer     NOT NULL,
    account        text        NOT NULL,
    amount         bigint      NOT NULL,
    balance_after  bigint      NOT NULL,
    event_type     text        NOT NULL,
    memo           text,
    counterparts   text        NOT NULL,
    at             timestamptz NOT NULL,
    PRIMARY KEY (guild_id, guild_seq, line)
);
CREATE INDEX postings_by_account ON postings (guild_id, account, guild_seq DESC);

-- A listing's current version; `sales` counts purchases not refunded, `updated_at` is when the
-- current version was published, `last_seq` the last event that changed the row.
CREATE TABLE listings (
    guild_id        bigint      NOT NULL,
    listing_id      bigint      NOT NULL,
    seller          bigint      NOT NULL,
    version         bigint      NOT NULL,
    title           text        NOT NULL,
    description     text        NOT NULL,
    language        text        NOT NULL,
    price           bigint      NOT NULL,
    active          boolean     NOT NULL,
    featured_until  timestamptz,
    sales           bigint      NOT NULL,
    refunds         bigint      NOT NULL,
    rating_sum      bigint      NOT NULL,
    rating_count    bigint      NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    last_seq        bigint      NOT NULL,
    PRIMARY KEY (guild_id, listing_id)
);
CREATE INDEX listings_market ON listings (guild_id, active, language, listing_id);
CREATE INDEX listings_by_seller ON listings (guild_id, seller, listing_id);

CREATE TABLE listing_versions (
    guild_id      bigint      NOT NULL,
    listing_id    bigint      NOT NULL,
    version       bigint      NOT NULL,
    title         text        NOT NULL,
    price         bigint      NOT NULL,
    code          text        NOT NULL,
    published_at  timestamptz NOT NULL,
    PRIMARY KEY (guild_id, listing_id, version)
);

-- A buyer's latest purchase of a listing: `guild_seq` is the purchase's seq, `status` 'active',
-- 'disputed' or 'refunded'.
CREATE TABLE purchases (
    guild_id     bigint      NOT NULL,
    listing_id   bigint      NOT NULL,
    buyer        bigint      NOT NULL,
    seller       bigint      NOT NULL,
    version      bigint      NOT NULL,
    price        bigint      NOT NULL,
    tax          bigint      NOT NULL,
    tax_percent  bigint      NOT NULL,
    bought_at    timestamptz NOT NULL,
    guild_seq    bigint      NOT NULL,
    status       text        NOT NULL,
    reviewed     boolean     NOT NULL,
    PRIMARY KEY (guild_id, listing_id, buyer)
);
CREATE INDEX purchases_by_buyer ON purchases (guild_id, buyer, guild_seq DESC);
CREATE INDEX purchases_by_seller ON purchases (guild_id, seller, guild_seq DESC);

CREATE TABLE reviews (
    guild_id    bigint      NOT NULL,
    listing_id  bigint      NOT NULL,
    reviewer    bigint      NOT NULL,
    seller      bigint      NOT NULL,
    stars       bigint      NOT NULL,
    text        text        NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (guild_id, listing_id, reviewer)
);

-- `status`: 'offered', 'accepted', 'funded', 'delivered', 'disputed', or the settlement's snake
-- case name; `escrow` the escrow account's balance; `released` what the developer was paid so far.
CREATE TABLE commissions (
    guild_id         bigint      NOT NULL,
    commission_id    bigint      NOT NULL,
    client           bigint      NOT NULL,
    developer        bigint      NOT NULL,
    amount           bigint      NOT NULL,
    description      text        NOT NULL,
    deadline         timestamptz NOT NULL,
    status           text        NOT NULL,
    escrow           bigint      NOT NULL,
    released         bigint      NOT NULL,
    fee              bigint      NOT NULL,
    auto_release_at  timestamptz,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (guild_id, commission_id)
);

-- `status`: 'open', 'paid' or 'cancelled'; `source` the account the pool came from.
CREATE TABLE tournaments (
    guild_id       bigint      NOT NULL,
    tournament_id  bigint      NOT NULL,
    name           text        NOT NULL,
    prize          bigint      NOT NULL,
    source         text        NOT NULL,
    ends_at        timestamptz NOT NULL,
    status         text        NOT NULL,
    entrants       bigint      NOT NULL,
    entrant_ids    bigint[]    NOT NULL,
    winners        text        NOT NULL,
    placings       jsonb       NOT NULL,
    updated_seq    bigint      NOT NULL,
    PRIMARY KEY (guild_id, tournament_id)
);

CREATE TABLE profiles (
    guild_id      bigint  NOT NULL,
    user_id       bigint  NOT NULL,
    role          text    NOT NULL,
    years         bigint  NOT NULL,
    skills        text    NOT NULL,
    links         text    NOT NULL,
    open_to_work  boolean NOT NULL,
    updated_seq   bigint  NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX profiles_find ON profiles (guild_id, role, open_to_work, years DESC);

-- `milestones`: [{id, title, reward, done}]; `progress`: percent of milestones done; `status`
-- 'active' or 'disbanded'. The wallet is the 'team:<id>' account in `accounts`.
CREATE TABLE teams (
    guild_id     bigint  NOT NULL,
    team_id      bigint  NOT NULL,
    name         text    NOT NULL,
    description  text    NOT NULL,
    open         boolean NOT NULL,
    owner        bigint  NOT NULL,
    members      bigint  NOT NULL,
    member_ids   bigint[] NOT NULL,
    invited      bigint[] NOT NULL,
    requested    bigint[] NOT NULL,
    milestones   jsonb   NOT NULL,
    progress     bigint  NOT NULL,
    status       text    NOT NULL,
    updated_seq  bigint  NOT NULL,
    PRIMARY KEY (guild_id, team_id)
);

CREATE TABLE team_members (
    guild_id  bigint NOT NULL,
    team_id   bigint NOT NULL,
    user_id   bigint NOT NULL,
    PRIMARY KEY (guild_id, team_id, user_id)
);
CREATE INDEX team_members_by_user ON team_members (guild_id, user_id);

-- A member's quest of the day (`quest` its code; none before their first) and the last claim
-- with the streak it made.
CREATE TABLE quests (
    guild_id         bigint  NOT NULL,
    user_id          bigint  NOT NULL,
    day              date,
    quest            text,
    progress         bigint,
    claimed          boolean,
    last_claim_day   date,
    streak           bigint,
    updated_seq      bigint  NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- The rules each guild plays by now, as the model's `Settings` in JSON; a guild that never changed
-- them has no row and plays by the defaults.
CREATE TABLE guild_settings (
    guild_id     bigint PRIMARY KEY,
    settings     jsonb  NOT NULL,
    updated_seq  bigint NOT NULL
);

CREATE TABLE checkpoint (
    id        integer PRIMARY KEY CHECK (id = 1),
    tx_id     bigint  NOT NULL,
    position  bigint  NOT NULL,
    events    bigint  NOT NULL
);
INSERT INTO checkpoint VALUES (1, 0, 0, 0);

CREATE TABLE layout (version integer NOT NULL);
";

/// Every table of the views, in the order a digest reads them.
pub const VIEW_TABLES: [(&str, &str); 18] = [
    ("members", "guild_id, user_id"),
    ("xp_weekly", "guild_id, week_start, user_id"),
    ("xp_adjustments", "guild_id, guild_seq"),
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
    ("guild_checkpoints", "guild_id"),
    ("checkpoint", "id"),
];

/// Whether `schema` exists.
///
/// # Errors
/// The database is unreachable.
pub async fn exists(tx: &mut Transaction<'_, Postgres>, schema: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
        .bind(schema)
        .fetch_one(&mut **tx)
        .await
}

/// The layout version `schema`'s views were built with (`None` for views older than the record).
///
/// # Errors
/// The database is unreachable.
pub async fn layout(
    tx: &mut Transaction<'_, Postgres>,
    schema: &str,
) -> Result<Option<i32>, sqlx::Error> {
    let table = format!("{}.layout", quote(schema));
    let recorded: Option<String> = sqlx::query_scalar("SELECT to_regclass($1)::text")
        .bind(&table)
        .fetch_one(&mut **tx)
        .await?;
    if recorded.is_none() {
        return Ok(None);
    }
    sqlx::query_scalar(&format!("SELECT max(version) FROM {table}"))
        .fetch_one(&mut **tx)
        .await
}

/// Creates `schema` with empty views, readable by the auditor role.
///
/// # Errors
/// The database refuses.
pub async fn create(tx: &mut Transaction<'_, Postgres>, schema: &str) -> Result<(), sqlx::Error> {
    let ident = quote(schema);
    sqlx::query(&format!("CREATE SCHEMA {ident}"))
        .execute(&mut **tx)
        .await?;
    sqlx::query(&format!("SET LOCAL search_path TO {ident}"))
        .execute(&mut **tx)
        .await?;
    sqlx::raw_sql(TABLES).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO layout VALUES ($1)")
        .bind(LAYOUT_VERSION)
        .execute(&mut **tx)
        .await?;
    grant_auditor(tx, schema).await
}

/// Makes the auditor able to read `schema`'s views.
///
/// # Errors
/// The database refuses.
pub async fn grant_auditor(
    tx: &mut Transaction<'_, Postgres>,
    schema: &str,
) -> Result<(), sqlx::Error> {
    let ident = quote(schema);
    sqlx::query(&format!("GRANT USAGE ON SCHEMA {ident} TO studio_auditor"))
        .execute(&mut **tx)
        .await?;
    sqlx::query(&format!(
        "GRANT SELECT ON ALL TABLES IN SCHEMA {ident} TO studio_auditor"
    ))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A schema name as a quoted SQL identifier.
#[must_use]
pub fn quote(schema: &str) -> String {
    format!("\"{}\"", schema.replace('"', "\"\""))
}
