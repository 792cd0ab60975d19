-- `guild_checkpoints`, `checkpoint` and `layout`: how far the views have folded the log (each guild's
-- last seq, and the global cursor), and the layout version the views were built with.

CREATE TABLE guild_checkpoints (
    guild_id  bigint PRIMARY KEY,
    last_seq  bigint NOT NULL
);

CREATE TABLE checkpoint (
    id        integer PRIMARY KEY CHECK (id = 1),
    tx_id     bigint  NOT NULL,
    position  bigint  NOT NULL,
    events    bigint  NOT NULL
);
INSERT INTO checkpoint VALUES (1, 0, 0, 0);

CREATE TABLE layout (version integer NOT NULL);
