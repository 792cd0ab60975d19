-- The ledger as of any moment (issue 12), for auditors' SQL: every account's balance after a guild's
-- event `at_seq`, and which event a time falls after. `projector audit balances|explain --at` answer
-- the same from the log.
CREATE FUNCTION guild_seq_at(guild bigint, at timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce(max(guild_seq), 0) FROM event_log WHERE guild_id = guild AND occurred_at <= at
$$;

CREATE FUNCTION ledger_balances_at(guild bigint, at_seq bigint)
RETURNS TABLE (account text, balance bigint, postings bigint)
LANGUAGE sql STABLE AS $$
    SELECT l.account, sum(l.amount)::bigint, count(*)
    FROM ledger l WHERE l.guild_id = guild AND l.guild_seq <= at_seq
    GROUP BY l.account ORDER BY l.account
$$;

REVOKE ALL ON FUNCTION guild_seq_at(bigint, timestamptz), ledger_balances_at(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION guild_seq_at(bigint, timestamptz), ledger_balances_at(bigint, bigint)
    TO studio_auditor;
