-- The chain trigger of 0007, with the same result and less work per event. 0007 computed the hash in
-- one assignment whose argument held a subquery (the previous event's hash); PL/pgSQL runs such an
-- expression as a whole query through the executor, each event. Here the previous hash is read by a
-- statement of its own and the hash is a plain expression, which PL/pgSQL evaluates on its fast path.
-- Measured on 4 x 100 000 events inserted in batches of 500 in a scratch database: the insert took
-- 4.64 s with 0007's trigger, 4.33 s with this one, 2.06 s with a trigger that hashes nothing (~3 µs of
-- ~26 µs per event saved). Every hash is unchanged (`event_chain_hash` is still the one definition of
-- the canonical text, and `projector audit verify` recomputes it), so no event is touched.
CREATE OR REPLACE FUNCTION event_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    prev bytea;
BEGIN
    SELECT hash INTO prev FROM event_log
    WHERE guild_id = NEW.guild_id AND guild_seq = NEW.guild_seq - 1;
    NEW.hash := event_chain_hash(
        prev, NEW.guild_id, NEW.guild_seq, NEW.event_id, NEW.event_type, NEW.schema_version,
        NEW.payload, NEW.actor_id, NEW.causation_id, NEW.occurred_at);
    RETURN NEW;
END;
$$;
