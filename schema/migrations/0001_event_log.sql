-- The append-only event log, the per-guild fence, processed command ids and the auditor role.

CREATE TABLE event_log (
    position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The writing transaction, so a global reader can stay below the oldest transaction in flight
    -- and never skip an event whose transaction commits late.
    tx_id           xid8        NOT NULL DEFAULT pg_current_xact_id(),
    guild_id        bigint      NOT NULL,
    guild_seq       bigint      NOT NULL CHECK (guild_seq > 0),
    event_id        uuid        NOT NULL UNIQUE,
    event_type      text        NOT NULL,
    schema_version  integer     NOT NULL,
    payload         jsonb       NOT NULL,
    actor_id        bigint,
    causation_id    text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    -- The fence: a writer that decided on stale state names a seq that exists already and fails.
    CONSTRAINT event_log_guild_seq_key UNIQUE (guild_id, guild_seq)
);

CREATE INDEX event_log_global_order ON event_log (tx_id, position);
CREATE INDEX event_log_causation ON event_log (causation_id);

CREATE FUNCTION event_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'event_log is append-only: % is not allowed', TG_OP;
END;
$$;

CREATE TRIGGER event_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON event_log
    FOR EACH ROW EXECUTE FUNCTION event_log_is_append_only();

CREATE TRIGGER event_log_no_truncate
    BEFORE TRUNCATE ON event_log
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_is_append_only();

-- The head of each guild's stream. Updated in the same transaction as the append, guarded by the
-- expected previous head, so two writers on one guild serialize here and the loser gets a fence error.
CREATE TABLE guild_heads (
    guild_id    bigint PRIMARY KEY,
    last_seq    bigint      NOT NULL CHECK (last_seq >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every command decided, with what its member was told, written with the events it produced.
CREATE TABLE processed_commands (
    command_id    text PRIMARY KEY,
    guild_id      bigint      NOT NULL,
    outcome       jsonb       NOT NULL,
    last_seq      bigint      NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now()
);

-- Where each gateway shard's Discord session stands, so a restarted worker resumes it.
CREATE TABLE gateway_sessions (
    shard_id     integer PRIMARY KEY,
    session_id   text        NOT NULL,
    sequence     bigint      NOT NULL,
    resume_url   text        NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Auditors read the log and the views and nothing else. Roles are cluster-wide, so creating it
-- tolerates another database of the same cluster having created it first.
DO $$
BEGIN
    CREATE ROLE studio_auditor NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

GRANT SELECT ON event_log TO studio_auditor;
