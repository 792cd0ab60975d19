-- `tournaments`: each tournament's pool, entrants and result.

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
