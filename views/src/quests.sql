-- `quests`: each member's quest of the day and claim streak.

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
