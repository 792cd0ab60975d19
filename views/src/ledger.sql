-- `accounts` and `postings`: every account's balance, and every line of every money event.

-- Every account's balance; `account` is `Account`'s display string ('member:<id>', 'team:<n>',
-- 'escrow:<n>', 'treasury', 'mint').
CREATE TABLE accounts (
    guild_id  bigint NOT NULL,
    account   text   NOT NULL,
    balance   bigint NOT NULL,
    last_seq  bigint NOT NULL,
    PRIMARY KEY (guild_id, account)
);

-- Every line of every money event: `line` is its 1-based index in the event's postings,
-- `balance_after` the account's balance after it, `counterparts` the event's other lines.
CREATE TABLE postings (
    guild_id       bigint      NOT NULL,
    guild_seq      bigint      NOT NULL,
    line           integer     NOT NULL,
    account        text        NOT NULL,
    amount         bigint      NOT NULL,
    balance_after  bigint      NOT NULL,
    event_type     text        NOT NULL,
    memo           text,
    counterparts   text        NOT NULL,
    at             timestamptz NOT NULL,
    PRIMARY KEY (guild_id, guild_seq, line)
);
CREATE INDEX postings_by_account ON postings (guild_id, account, guild_seq DESC);
