-- A database role per service, each with only what it needs (issue 11). The owner (whoever runs these
-- migrations) is used for nothing else. The roles log in; their passwords are the operator's to set
-- (`ALTER ROLE … PASSWORD`, done by scripts/run and the compose file's migrate step): a role without
-- one cannot log in where passwords are required. Roles are cluster-wide, so creating one tolerates
-- another database of the cluster having created it first; the grants are this database's.
DO $$
DECLARE
    service text;
BEGIN
    FOREACH service IN ARRAY ARRAY['studio_gateway', 'studio_commands', 'studio_projector'] LOOP
        BEGIN
            EXECUTE format('CREATE ROLE %I LOGIN', service);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END LOOP;
END
$$;

-- Nobody but the owner creates anything in `public`, and nobody reads what they are not granted.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO studio_gateway, studio_commands, studio_projector, studio_auditor;

-- Every service checks at start that the migrations it was built with are applied (sqlx's table,
-- absent only where these files are applied by hand, as scripts/sqlx-prepare does).
DO $$
BEGIN
    IF to_regclass('_sqlx_migrations') IS NOT NULL THEN
        GRANT SELECT ON _sqlx_migrations TO studio_gateway, studio_commands, studio_projector;
    END IF;
END
$$;

-- The gateway worker: its shards' Discord sessions, and nothing else (whoever could write a
-- `resume_url` would receive the bot token in the next RESUME).
GRANT SELECT, INSERT, UPDATE, DELETE ON gateway_sessions TO studio_gateway;

-- The command service: appends to the log (never updates or deletes it), moves guild heads, and owns
-- the intake, the outbox, its rooms and the listings' code.
GRANT SELECT, INSERT ON event_log, processed_commands, intake_rejected TO studio_commands;
GRANT SELECT, INSERT, UPDATE ON guild_heads, intake_positions TO studio_commands;
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox, discord_rooms TO studio_commands;
GRANT SELECT, INSERT, UPDATE ON listing_content TO studio_commands;

-- The projector: reads the log and builds the views in schemas of its own (it creates them, so it
-- may rebuild and swap them), which it lets the command service and auditors read.
GRANT SELECT ON event_log, guild_heads TO studio_projector;
DO $$
BEGIN
    EXECUTE format('GRANT CREATE ON DATABASE %I TO studio_projector', current_database());
END
$$;
-- Views built before the projector had a role of its own belong to the owner: they are dropped, and
-- the projector rebuilds them from the log as its own on start.
DROP SCHEMA IF EXISTS views CASCADE;
