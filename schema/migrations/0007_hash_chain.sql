-- A tamper-evident log (issue 12): each guild's events form a hash chain. An event's `hash` is the
-- SHA-256 of the previous event's hash (none for the first) followed by the event's canonical text:
-- its fields joined by '|', the payload as Postgres renders jsonb (keys in a fixed order), the time
-- in microseconds since the epoch. Written by a trigger, so no writer can choose it; recomputed
-- independently by `projector audit verify` (schema/src/chain.rs), which names the first event
-- whose hash does not follow and prints each guild's head, to compare with a head kept elsewhere.
CREATE FUNCTION event_chain_hash(
    prev bytea, guild_id bigint, guild_seq bigint, event_id uuid, event_type text,
    schema_version integer, payload jsonb, actor_id bigint, causation_id text, occurred_at timestamptz
) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT sha256(coalesce(prev, ''::bytea) || convert_to(concat_ws('|',
        guild_id, guild_seq, event_id, event_type, schema_version, payload::text,
        coalesce(actor_id::text, ''), causation_id,
        (extract(epoch FROM occurred_at) * 1000000)::bigint), 'UTF8'))
$$;

ALTER TABLE event_log ADD COLUMN hash bytea;

-- Events recorded before: chained in order, by the owner, inside this migration.
ALTER TABLE event_log DISABLE TRIGGER event_log_no_update_or_delete;
DO $$
DECLARE
    e record;
    prev bytea;
    guild bigint;
BEGIN
    FOR e IN SELECT * FROM event_log ORDER BY guild_id, guild_seq LOOP
        IF guild IS DISTINCT FROM e.guild_id THEN
            prev := NULL;
            guild := e.guild_id;
        END IF;
        prev := event_chain_hash(prev, e.guild_id, e.guild_seq, e.event_id, e.event_type,
                                 e.schema_version, e.payload, e.actor_id, e.causation_id, e.occurred_at);
        UPDATE event_log SET hash = prev WHERE position = e.position;
    END LOOP;
END
$$;
ALTER TABLE event_log ENABLE TRIGGER event_log_no_update_or_delete;
ALTER TABLE event_log ALTER COLUMN hash SET NOT NULL;

CREATE FUNCTION event_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.hash := event_chain_hash(
        (SELECT hash FROM event_log WHERE guild_id = NEW.guild_id AND guild_seq = NEW.guild_seq - 1),
        NEW.guild_id, NEW.guild_seq, NEW.event_id, NEW.event_type, NEW.schema_version, NEW.payload,
        NEW.actor_id, NEW.causation_id, NEW.occurred_at);
    RETURN NEW;
END;
$$;

CREATE TRIGGER event_log_chain
    BEFORE INSERT ON event_log
    FOR EACH ROW EXECUTE FUNCTION event_log_chain();
