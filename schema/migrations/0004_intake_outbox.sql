-- The ordered intake and the outbox (issue 9).
--
-- Postgres, not JetStream acknowledgements, keeps the log correct: each gateway partition is applied in
-- stream order by one command service at a time, and the last stream sequence it applied is committed in
-- the same transaction as the events, processed commands and outbox rows it produced.

-- Where each partition of a gateway stream stands. The row is also a fence: a commit moves it only from
-- the position its writer read, so a writer that lost its lease (another took over and moved on) fails.
CREATE TABLE intake_positions (
    stream      text        NOT NULL,
    partition   integer     NOT NULL CHECK (partition >= 0),
    stream_seq  bigint      NOT NULL CHECK (stream_seq >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, partition)
);

-- Dispatches the intake could not apply and moved past, for operators: undecodable payloads, input no
-- rule can decide, and stretches of the stream that retention removed before they were applied.
CREATE TABLE intake_rejected (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream       text        NOT NULL,
    partition    integer     NOT NULL,
    stream_seq   bigint      NOT NULL,
    subject      text,
    reason       text        NOT NULL,
    rejected_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX intake_rejected_by_partition ON intake_rejected (stream, partition, stream_seq);

-- Every answer and side effect of a committed outcome, written in the same transaction. A dispatcher sends
-- each, with retries, and marks it done. The effect (which may hold purchased code or an interaction
-- token) is erased once done; what happened stays in `result`. Nobody but the command service reads it.
CREATE TABLE outbox (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream         text        NOT NULL,
    partition      integer     NOT NULL,
    guild_id       bigint      NOT NULL,
    kind           text        NOT NULL,
    effect         jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    attempts       integer     NOT NULL DEFAULT 0,
    next_at        timestamptz NOT NULL DEFAULT now(),
    claimed_until  timestamptz,
    done_at        timestamptz,
    result         text
);
CREATE INDEX outbox_pending ON outbox (stream, partition, id) WHERE done_at IS NULL;

-- Private channels Studio opened (a team's, a commission's deal room), remembered by id.
CREATE TABLE discord_rooms (
    guild_id    bigint      NOT NULL,
    room        text        NOT NULL,
    channel_id  bigint      NOT NULL,
    opened_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, room)
);

-- Auditors see what the intake rejected (sequences, subjects, reasons: never content), not the outbox.
GRANT SELECT ON intake_rejected TO studio_auditor;
