"""Rollup writes are recorded, so the nightly recompute re-aggregates only what changed (issue 17).

ttm_window() is the same for every day of a month, so a day's figures equal the day before's
for every organisation whose rollups were not written since that day's recompute. Two tables:
- metrics_stalecaserate: the organisations whose rollups were inserted, updated or deleted
  since the last recompute, filled by statement-level triggers on metrics_monthlyrollup (their
  transition tables: one row per organisation and statement, not per rollup); the recompute
  empties it in the statement that writes its snapshots;
- metrics_caseraterun: one row, the day the last recompute was for and when it ran, written
  by the same statement, so the set is known to be relative to that day.
Race: the triggers take SNAPSHOT_GUARD shared (writers do not wait for each other) until their
transaction ends; the recompute takes it exclusively before it reads, so a writer that has not
committed is waited for, and a writer that starts meanwhile records its organisations after the
recompute has committed (for the next run). TRUNCATE of the rollups forgets the last run: the
next recompute takes the full path.
"""

from django.db import migrations

SNAPSHOT_GUARD = 0x4D455452_534E  # "METRSN"; metrics.services takes it for the recompute

FORWARD = f"""
CREATE TABLE metrics_stalecaserate (organization_id bigint PRIMARY KEY);

CREATE TABLE metrics_caseraterun (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    as_of date NOT NULL,
    computed_at timestamptz NOT NULL
);

CREATE FUNCTION metrics_rollups_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared({SNAPSHOT_GUARD});
    IF TG_OP = 'INSERT' THEN
        INSERT INTO metrics_stalecaserate SELECT DISTINCT organization_id FROM new_rollups
        ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO metrics_stalecaserate
        SELECT organization_id FROM new_rollups UNION SELECT organization_id FROM old_rollups
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO metrics_stalecaserate SELECT DISTINCT organization_id FROM old_rollups
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

-- A trigger with transition tables has one event: three triggers, one function.
CREATE TRIGGER metrics_rollups_inserted AFTER INSERT ON metrics_monthlyrollup
    REFERENCING NEW TABLE AS new_rollups
    FOR EACH STATEMENT EXECUTE FUNCTION metrics_rollups_written();
CREATE TRIGGER metrics_rollups_updated AFTER UPDATE ON metrics_monthlyrollup
    REFERENCING OLD TABLE AS old_rollups NEW TABLE AS new_rollups
    FOR EACH STATEMENT EXECUTE FUNCTION metrics_rollups_written();
CREATE TRIGGER metrics_rollups_deleted AFTER DELETE ON metrics_monthlyrollup
    REFERENCING OLD TABLE AS old_rollups
    FOR EACH STATEMENT EXECUTE FUNCTION metrics_rollups_written();

CREATE FUNCTION metrics_rollups_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared({SNAPSHOT_GUARD});
    DELETE FROM metrics_caseraterun;
    RETURN NULL;
END $$;

CREATE TRIGGER metrics_rollups_truncated AFTER TRUNCATE ON metrics_monthlyrollup
    FOR EACH STATEMENT EXECUTE FUNCTION metrics_rollups_truncated();
"""

BACKWARD = """
DROP TRIGGER metrics_rollups_truncated ON metrics_monthlyrollup;
DROP TRIGGER metrics_rollups_deleted ON metrics_monthlyrollup;
DROP TRIGGER metrics_rollups_updated ON metrics_monthlyrollup;
DROP TRIGGER metrics_rollups_inserted ON metrics_monthlyrollup;
DROP FUNCTION metrics_rollups_truncated();
DROP FUNCTION metrics_rollups_written();
DROP TABLE metrics_caseraterun;
DROP TABLE metrics_stalecaserate;
"""


class Migration(migrations.Migration):
    dependencies = [("metrics", "0011_snapshot_index_day_first")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
