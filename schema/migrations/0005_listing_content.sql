-- Purchased code out of the log (issue 11): each listing version's code is kept once, here, and the
-- log keeps its SHA-256. Only the command service reads this table (no grant to auditors or views),
-- so neither an audit login nor a copy of the log holds code. Forgetting a version's code erases
-- `body` and keeps the hash, so the log still proves what was sold.
CREATE TABLE listing_content (
    guild_id      bigint      NOT NULL,
    listing_id    bigint      NOT NULL,
    version       bigint      NOT NULL,
    sha256        text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    body          text,
    stored_at     timestamptz NOT NULL DEFAULT now(),
    forgotten_at  timestamptz,
    PRIMARY KEY (guild_id, listing_id, version),
    CHECK ((body IS NULL) = (forgotten_at IS NOT NULL))
);

-- Listings published before: their code moves here, and their payloads keep only its hash. This is
-- the one rewrite of the log ever made, by the owner, inside this migration's transaction.
INSERT INTO listing_content (guild_id, listing_id, version, sha256, body, stored_at)
SELECT guild_id,
       (payload ->> 'listing')::bigint,
       (payload ->> 'version')::bigint,
       encode(sha256(convert_to(payload -> 'details' ->> 'code', 'UTF8')), 'hex'),
       payload -> 'details' ->> 'code',
       recorded_at
FROM event_log
WHERE event_type IN ('ListingCreated', 'ListingEdited') AND payload -> 'details' ? 'code'
ON CONFLICT DO NOTHING;

ALTER TABLE event_log DISABLE TRIGGER event_log_no_update_or_delete;
UPDATE event_log
SET payload = jsonb_set(
        payload #- '{details,code}',
        '{details,code_sha256}',
        to_jsonb(encode(sha256(convert_to(payload -> 'details' ->> 'code', 'UTF8')), 'hex')))
WHERE event_type IN ('ListingCreated', 'ListingEdited') AND payload -> 'details' ? 'code';
ALTER TABLE event_log ENABLE TRIGGER event_log_no_update_or_delete;

-- What members were told of a purchase no longer repeats its code.
UPDATE processed_commands SET outcome = outcome - 'code' WHERE outcome ->> 'outcome' = 'Purchased';
