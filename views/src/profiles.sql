-- `profiles`: what members say about themselves.

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
