-- `members`, `xp_weekly`, `xp_adjustments` and `xp_monthly`: membership, tenure and XP, each week's
-- XP, every admin change of a member's XP, and each month's XP.

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

CREATE TABLE xp_monthly (
    guild_id     bigint NOT NULL,
    month_start  date   NOT NULL,
    user_id      bigint NOT NULL,
    xp           bigint NOT NULL,
    PRIMARY KEY (guild_id, month_start, user_id)
);
CREATE INDEX xp_monthly_by_xp ON xp_monthly (guild_id, month_start, xp DESC, user_id);
