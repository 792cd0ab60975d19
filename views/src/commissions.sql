-- `commissions`: where each commission stands, and what its escrow holds.

-- `status`: 'offered', 'accepted', 'funded', 'delivered', 'disputed', or the settlement's snake
-- case name; `escrow` the escrow account's balance; `released` what the developer was paid so far.
CREATE TABLE commissions (
    guild_id         bigint      NOT NULL,
    commission_id    bigint      NOT NULL,
    client           bigint      NOT NULL,
    developer        bigint      NOT NULL,
    amount           bigint      NOT NULL,
    description      text        NOT NULL,
    deadline         timestamptz NOT NULL,
    status           text        NOT NULL,
    escrow           bigint      NOT NULL,
    released         bigint      NOT NULL,
    fee              bigint      NOT NULL,
    auto_release_at  timestamptz,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (guild_id, commission_id)
);
