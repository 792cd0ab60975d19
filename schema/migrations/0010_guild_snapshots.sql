-- Snapshots of each guild's decision state (issue 14), written beside the log by the command service
-- and read at its start instead of folding the whole log. A snapshot is derived from the log and
-- checked against it: `state_hash` is the SHA-256 of `state` (the canonical JSON of studio-model's
-- decision state, in format `format`), `chain_hash` the log's own hash of the event at `last_seq`, so
-- a snapshot of another log is never used; `projector audit verify` folds the log afresh to each
-- snapshot's position and compares. Dropping every row loses nothing but start-up time.
CREATE TABLE guild_snapshots (
    guild_id   bigint      NOT NULL,
    last_seq   bigint      NOT NULL CHECK (last_seq > 0),
    format     integer     NOT NULL,
    state      bytea       NOT NULL,
    state_hash bytea       NOT NULL,
    chain_hash bytea       NOT NULL,
    taken_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, last_seq)
);

-- The command service writes them and keeps the latest few; auditors and the projector's audit read
-- them (they hold what the log holds, folded: never a listing's code).
GRANT SELECT, INSERT, DELETE ON guild_snapshots TO studio_commands;
GRANT SELECT ON guild_snapshots TO studio_projector, studio_auditor;
