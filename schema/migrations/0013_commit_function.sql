-- A batch of an intake partition committed by one statement, so in one round trip to Postgres
-- (issue 14). The command service used to send BEGIN, then per guild the head's move, the events and
-- the commands, then the partition's position, the rejected dispatches and the effects, then COMMIT:
-- about seven round trips a batch, each of which waits for a core on a busy machine. A statement
-- sent alone is its own transaction, so this commits or changes nothing exactly as they did.
--
-- The guilds' events come flattened, guild after guild: `head_counts[i]` of them are guild
-- `head_guilds[i]`'s, appended right after `head_expected[i]`. The head is the fence: a guild whose
-- head is no longer where the writer expected it fails the batch with SQLSTATE SF001, the guild in
-- DETAIL. A partition no longer at `from_seq` (another instance applied it) fails it with SL001. A
-- command recorded before fails it on `processed_commands_pkey`, as before. Returns the effects' ids,
-- in the order given.
CREATE FUNCTION commit_batch(
    stream_name text, part integer, from_seq bigint, to_seq bigint, version integer,
    head_guilds bigint[], head_expected bigint[], head_counts integer[],
    ev_ids uuid[], ev_types text[], ev_payloads jsonb[], ev_actors bigint[], ev_causes text[],
    ev_times timestamptz[],
    cmd_guilds bigint[], cmd_ids text[], cmd_outcomes jsonb[], cmd_lasts bigint[],
    code_guilds bigint[], code_listings bigint[], code_versions bigint[], code_hashes text[],
    code_sealed bytea[],
    rej_seqs bigint[], rej_subjects text[], rej_reasons text[],
    fx_guilds bigint[], fx_kinds text[], fx_effects jsonb[], claim_secs double precision
) RETURNS bigint[] LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    guilds integer := coalesce(cardinality(head_guilds), 0);
    lo integer := 1;
    hi integer;
    g bigint;
    expected bigint;
    n integer;
    ids bigint[];
BEGIN
    IF coalesce(cardinality(head_expected), 0) <> guilds
        OR coalesce(cardinality(head_counts), 0) <> guilds THEN
        RAISE EXCEPTION 'commit_batch: the arrays of the heads differ in length';
    END IF;
    FOR i IN 1 .. guilds LOOP
        g := head_guilds[i];
        expected := head_expected[i];
        n := head_counts[i];
        IF expected = 0 THEN
            INSERT INTO guild_heads (guild_id, last_seq) VALUES (g, n)
            ON CONFLICT (guild_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, updated_at = now()
            WHERE guild_heads.last_seq = 0;
        ELSE
            UPDATE guild_heads SET last_seq = expected + n, updated_at = now()
            WHERE guild_id = g AND last_seq = expected;
        END IF;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'guild % is no longer at %', g, expected
                USING ERRCODE = 'SF001', DETAIL = g::text;
        END IF;
        IF n > 0 THEN
            hi := lo + n - 1;
            PERFORM append_events(g, expected + 1, version, ev_ids[lo:hi],
                                  ev_types[lo:hi], ev_payloads[lo:hi],
                                  ev_actors[lo:hi], ev_causes[lo:hi],
                                  ev_times[lo:hi]);
            lo := hi + 1;
        END IF;
    END LOOP;
    IF lo - 1 <> coalesce(cardinality(ev_ids), 0) THEN
        RAISE EXCEPTION 'commit_batch: % events given, the heads count %',
            coalesce(cardinality(ev_ids), 0), lo - 1;
    END IF;

    INSERT INTO processed_commands (command_id, guild_id, outcome, last_seq)
    SELECT id, guild, outcome, seq
    FROM UNNEST(cmd_ids, cmd_guilds, cmd_outcomes, cmd_lasts) AS c(id, guild, outcome, seq);

    INSERT INTO listing_content (guild_id, listing_id, version, sha256, sealed)
    SELECT * FROM UNNEST(code_guilds, code_listings, code_versions, code_hashes, code_sealed)
    ON CONFLICT DO NOTHING;

    UPDATE intake_positions SET stream_seq = to_seq, updated_at = now()
    WHERE stream = stream_name AND partition = part AND stream_seq = from_seq;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'partition %/% is no longer at %', stream_name, part, from_seq
            USING ERRCODE = 'SL001';
    END IF;

    INSERT INTO intake_rejected (stream, partition, stream_seq, subject, reason)
    SELECT stream_name, part, seq, subject, reason
    FROM UNNEST(rej_seqs, rej_subjects, rej_reasons) AS r(seq, subject, reason);

    -- Identities are drawn in insertion order, which follows the ordinality.
    WITH queued AS (
        INSERT INTO outbox (stream, partition, guild_id, kind, effect, claimed_until)
        SELECT stream_name, part, e.guild, e.kind, e.effect, now() + make_interval(secs => claim_secs)
        FROM UNNEST(fx_guilds, fx_kinds, fx_effects) WITH ORDINALITY AS e(guild, kind, effect, o)
        ORDER BY e.o
        RETURNING id
    )
    SELECT coalesce(array_agg(id ORDER BY id), ARRAY[]::bigint[]) INTO ids FROM queued;
    RETURN ids;
END;
$$;

REVOKE ALL ON FUNCTION commit_batch(text, integer, bigint, bigint, integer, bigint[], bigint[],
    integer[], uuid[], text[], jsonb[], bigint[], text[], timestamptz[], bigint[], text[], jsonb[],
    bigint[], bigint[], bigint[], bigint[], text[], bytea[], bigint[], text[], text[], bigint[],
    text[], jsonb[], double precision) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION commit_batch(text, integer, bigint, bigint, integer, bigint[], bigint[],
    integer[], uuid[], text[], jsonb[], bigint[], text[], timestamptz[], bigint[], text[], jsonb[],
    bigint[], bigint[], bigint[], bigint[], text[], bytea[], bigint[], text[], text[], bigint[],
    text[], jsonb[], double precision) TO studio_commands;
