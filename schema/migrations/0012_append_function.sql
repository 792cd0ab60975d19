-- Appending a batch through one function of the log's owner, which chains every event itself: the
-- previous hash is read once per batch (not once per event, as the trigger of 0007/0011 does) and
-- each next hash follows from the one just computed. The command service may append only through
-- it (its INSERT on event_log is revoked), so no service chooses a hash; the trigger stays for every
-- other insert (the owner's: imports of old logs, tests) and now fires only for a row that arrives
-- without a hash, which only the owner can send. The hashes are the same as the trigger's
-- (`event_chain_hash` is still the one definition of the canonical text).
CREATE FUNCTION append_events(
    guild bigint, first_seq bigint, version integer, ids uuid[], types text[], payloads jsonb[],
    actors bigint[], causes text[], times timestamptz[]
) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    n integer := coalesce(cardinality(ids), 0);
    prev bytea;
    hashes bytea[] := ARRAY[]::bytea[];
    e record;
BEGIN
    IF n = 0 THEN
        RETURN 0;
    END IF;
    IF coalesce(cardinality(types), -1) <> n OR coalesce(cardinality(payloads), -1) <> n
        OR coalesce(cardinality(actors), -1) <> n OR coalesce(cardinality(causes), -1) <> n
        OR coalesce(cardinality(times), -1) <> n THEN
        RAISE EXCEPTION 'append_events: the arrays of one batch differ in length';
    END IF;
    SELECT hash INTO prev FROM event_log WHERE guild_id = guild AND guild_seq = first_seq - 1;
    FOR e IN
        SELECT * FROM UNNEST(ids, types, payloads, actors, causes, times) WITH ORDINALITY
            AS b(id, ty, payload, actor, cause, at, o)
    LOOP
        prev := event_chain_hash(prev, guild, first_seq + e.o - 1, e.id, e.ty, version, e.payload,
                                 e.actor, e.cause, e.at);
        hashes := hashes || prev;
    END LOOP;
    INSERT INTO event_log (guild_id, guild_seq, event_id, event_type, schema_version, payload,
                           actor_id, causation_id, occurred_at, hash)
    SELECT guild, first_seq + b.o - 1, b.id, b.ty, version, b.payload, b.actor, b.cause, b.at, b.h
    FROM UNNEST(ids, types, payloads, actors, causes, times, hashes) WITH ORDINALITY
        AS b(id, ty, payload, actor, cause, at, h, o);
    RETURN n;
END;
$$;

DROP TRIGGER event_log_chain ON event_log;
CREATE TRIGGER event_log_chain
    BEFORE INSERT ON event_log
    FOR EACH ROW WHEN (NEW.hash IS NULL) EXECUTE FUNCTION event_log_chain();

REVOKE ALL ON FUNCTION append_events(bigint, bigint, integer, uuid[], text[], jsonb[], bigint[],
                                     text[], timestamptz[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION append_events(bigint, bigint, integer, uuid[], text[], jsonb[], bigint[],
                                        text[], timestamptz[]) TO studio_commands;
REVOKE INSERT ON event_log FROM studio_commands;
