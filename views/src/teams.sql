-- `teams` and `team_members`: each team, and who is in it.

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
