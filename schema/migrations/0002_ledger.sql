-- The ledger, straight from the log: every posting of every money event, with its event, actor,
-- reason and time. Auditors read it; nothing writes it.

CREATE VIEW ledger AS
SELECT e.position,
       e.guild_id,
       e.guild_seq,
       e.event_id,
       e.event_type,
       e.actor_id,
       e.causation_id,
       e.occurred_at,
       e.recorded_at,
       p.line,
       p.posting ->> 'account'                                   AS account,
       (p.posting ->> 'amount')::bigint                         AS amount,
       COALESCE(e.payload ->> 'reason', e.payload ->> 'note')   AS reason
FROM event_log e
CROSS JOIN LATERAL jsonb_array_elements(e.payload -> 'postings') WITH ORDINALITY AS p (posting, line)
WHERE jsonb_typeof(e.payload -> 'postings') = 'array';

-- Every account's balance after the whole log.
CREATE VIEW ledger_balances AS
SELECT guild_id, account, SUM(amount)::bigint AS balance, COUNT(*) AS postings
FROM ledger
GROUP BY guild_id, account;

GRANT SELECT ON ledger, ledger_balances TO studio_auditor;
GRANT SELECT ON guild_heads TO studio_auditor;
