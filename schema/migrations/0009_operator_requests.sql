-- Operators' requests (issue 12): an operator asks, from the command line, for something only the
-- command service may decide (today: undo an admin action), and waits for its answer. Only the
-- command service appends to a guild's log, so the request is not an event: it is a row here that the
-- guild's owner decides like any other command (idempotently: the request's id is the command's id)
-- and answers in the same row.
--
-- `studio_operator` is a group role, like `studio_auditor`: an operator's own login is granted it
-- (`CREATE ROLE bob_ops LOGIN PASSWORD '…' IN ROLE studio_operator`). The login that asked is recorded
-- by the database itself (`operator` defaults to session_user, and operators may not write it), so the
-- log's `ActionUndone` names who asked and nobody can ask in another's name.
DO $$
BEGIN
    CREATE ROLE studio_operator NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

CREATE TABLE operator_requests (
    id           uuid        PRIMARY KEY,
    guild_id     bigint      NOT NULL,
    -- What is asked, as `studio_schema::operator::Request` serializes it.
    request      jsonb       NOT NULL,
    operator     text        NOT NULL DEFAULT session_user,
    requested_at timestamptz NOT NULL DEFAULT now(),
    -- Set once, by the command service, when it decided the request.
    answered_at  timestamptz,
    accepted     boolean,
    answer       text,
    CHECK ((answered_at IS NULL) = (answer IS NULL) AND (answer IS NULL) = (accepted IS NULL))
);
CREATE INDEX operator_requests_waiting ON operator_requests (requested_at) WHERE answered_at IS NULL;

GRANT USAGE ON SCHEMA public TO studio_operator;
GRANT SELECT ON operator_requests TO studio_operator, studio_auditor, studio_commands;
GRANT INSERT (id, guild_id, request) ON operator_requests TO studio_operator;
GRANT UPDATE (answered_at, accepted, answer) ON operator_requests TO studio_commands;
