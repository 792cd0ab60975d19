-- `guild_settings`: the rules each guild plays by now.

-- The rules each guild plays by now, as the model's `Settings` in JSON; a guild that never changed
-- them has no row and plays by the defaults.
CREATE TABLE guild_settings (
    guild_id     bigint PRIMARY KEY,
    settings     jsonb  NOT NULL,
    updated_seq  bigint NOT NULL
);
