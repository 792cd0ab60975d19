-- `listings`, `listing_versions`, `purchases` and `reviews`: the marketplace.

-- A listing's current version; `sales` counts purchases not refunded, `updated_at` is when the
-- current version was published, `last_seq` the last event that changed the row.
CREATE TABLE listings (
    guild_id        bigint      NOT NULL,
    listing_id      bigint      NOT NULL,
    seller          bigint      NOT NULL,
    version         bigint      NOT NULL,
    title           text        NOT NULL,
    description     text        NOT NULL,
    language        text        NOT NULL,
    price           bigint      NOT NULL,
    active          boolean     NOT NULL,
    featured_until  timestamptz,
    sales           bigint      NOT NULL,
    refunds         bigint      NOT NULL,
    rating_sum      bigint      NOT NULL,
    rating_count    bigint      NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    last_seq        bigint      NOT NULL,
    PRIMARY KEY (guild_id, listing_id)
);
CREATE INDEX listings_market ON listings (guild_id, active, language, listing_id);
CREATE INDEX listings_by_seller ON listings (guild_id, seller, listing_id);

CREATE TABLE listing_versions (
    guild_id      bigint      NOT NULL,
    listing_id    bigint      NOT NULL,
    version       bigint      NOT NULL,
    title         text        NOT NULL,
    price         bigint      NOT NULL,
    code_sha256   text        NOT NULL,
    published_at  timestamptz NOT NULL,
    PRIMARY KEY (guild_id, listing_id, version)
);

-- A buyer's latest purchase of a listing: `guild_seq` is the purchase's seq, `status` 'active',
-- 'disputed' or 'refunded'.
CREATE TABLE purchases (
    guild_id     bigint      NOT NULL,
    listing_id   bigint      NOT NULL,
    buyer        bigint      NOT NULL,
    seller       bigint      NOT NULL,
    version      bigint      NOT NULL,
    price        bigint      NOT NULL,
    tax          bigint      NOT NULL,
    tax_percent  bigint      NOT NULL,
    seller_xp    bigint      NOT NULL,
    bought_at    timestamptz NOT NULL,
    guild_seq    bigint      NOT NULL,
    status       text        NOT NULL,
    reviewed     boolean     NOT NULL,
    PRIMARY KEY (guild_id, listing_id, buyer)
);
CREATE INDEX purchases_by_buyer ON purchases (guild_id, buyer, guild_seq DESC);
CREATE INDEX purchases_by_seller ON purchases (guild_id, seller, guild_seq DESC);

CREATE TABLE reviews (
    guild_id    bigint      NOT NULL,
    listing_id  bigint      NOT NULL,
    reviewer    bigint      NOT NULL,
    seller      bigint      NOT NULL,
    stars       bigint      NOT NULL,
    text        text        NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (guild_id, listing_id, reviewer)
);
