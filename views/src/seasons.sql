-- `seasons` and `xp_seasonal`: every season a guild started, in log order, and the XP each member
-- earned in each season (after its start in the log). Nothing is ever reset: all-time XP stays in
-- `members`.

CREATE TABLE seasons (
    guild_id     bigint      NOT NULL,
    season       bigint      NOT NULL,
    name         text        NOT NULL,
    by_user      bigint      NOT NULL,
    started_at   timestamptz NOT NULL,
    started_seq  bigint      NOT NULL,
    PRIMARY KEY (guild_id, season)
);
CREATE INDEX seasons_latest ON seasons (guild_id, started_seq DESC);

CREATE TABLE xp_seasonal (
    guild_id  bigint NOT NULL,
    season    bigint NOT NULL,
    user_id   bigint NOT NULL,
    xp        bigint NOT NULL,
    PRIMARY KEY (guild_id, season, user_id)
);
CREATE INDEX xp_seasonal_by_xp ON xp_seasonal (guild_id, season, xp DESC, user_id);
