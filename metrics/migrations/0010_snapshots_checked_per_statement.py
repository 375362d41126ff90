"""Case-rate snapshots lose their per-row foreign key, as cases did (migration 0003).

At 500,000 organisations the foreign key's checks of the day's 500,000 new snapshots ran at
COMMIT, one SPI query and one row lock each (measured: about 3 s of a 10.7 s job). Instead:
- the nightly recompute takes SNAPSHOT_GUARD exclusively for its transaction and reads every
  organisation in its one statement, so each row it writes names an organisation that exists;
  it says so in metrics.snapshots_checked and its rows skip the per-row trigger, which checks
  (and locks, FOR KEY SHARE, as the foreign key did) any other writer's rows;
- deleting or re-keying an organisation first waits for SNAPSHOT_GUARD (shared: organisations
  do not wait for each other), so it sees a running recompute's rows once that has committed,
  and is refused while the organisation has snapshots; so is TRUNCATE of organisations. The
  ORM deletes the snapshots first (Organization.delete() works), as with cases.
"""

import django.db.models.deletion
from django.db import migrations, models

SNAPSHOT_GUARD = 0x4D455452_534E  # "METRSN"; metrics.services takes it for the recompute

FORWARD = f"""
CREATE FUNCTION metrics_snapshot_organization_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM designation_organization WHERE id = NEW.organization_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('metrics_caseratesnapshot: organisation %s does not exist',
                             NEW.organization_id),
            TABLE = 'metrics_caseratesnapshot', COLUMN = 'organization_id';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER metrics_snapshot_organization_exists
    BEFORE INSERT ON metrics_caseratesnapshot FOR EACH ROW
    WHEN (current_setting('metrics.snapshots_checked', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION metrics_snapshot_organization_exists();

CREATE TRIGGER metrics_snapshot_organization_moved
    BEFORE UPDATE ON metrics_caseratesnapshot FOR EACH ROW
    WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id)
    EXECUTE FUNCTION metrics_snapshot_organization_exists();

CREATE FUNCTION metrics_organization_keeps_snapshots() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A recompute in progress holds the guard: wait for it, then its rows are visible here.
    PERFORM pg_advisory_xact_lock_shared({SNAPSHOT_GUARD});
    IF EXISTS (SELECT FROM metrics_caseratesnapshot WHERE organization_id = OLD.id) THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('organisation %s still has snapshots in metrics_caseratesnapshot',
                             OLD.id),
            TABLE = 'designation_organization';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER metrics_organization_deleted_snapshots
    BEFORE DELETE ON designation_organization FOR EACH ROW
    EXECUTE FUNCTION metrics_organization_keeps_snapshots();

CREATE TRIGGER metrics_organization_rekeyed_snapshots
    BEFORE UPDATE OF id ON designation_organization FOR EACH ROW
    WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION metrics_organization_keeps_snapshots();

-- AFTER, so that one TRUNCATE of both tables (a test flush) passes.
CREATE FUNCTION metrics_organizations_truncated_snapshots() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM metrics_caseratesnapshot) THEN
        RAISE foreign_key_violation USING
            MESSAGE = 'organisations truncated while metrics_caseratesnapshot still has rows',
            TABLE = 'designation_organization';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER metrics_organizations_truncated_snapshots
    AFTER TRUNCATE ON designation_organization FOR EACH STATEMENT
    EXECUTE FUNCTION metrics_organizations_truncated_snapshots();
"""

BACKWARD = """
DROP TRIGGER metrics_organizations_truncated_snapshots ON designation_organization;
DROP TRIGGER metrics_organization_rekeyed_snapshots ON designation_organization;
DROP TRIGGER metrics_organization_deleted_snapshots ON designation_organization;
DROP TRIGGER metrics_snapshot_organization_moved ON metrics_caseratesnapshot;
DROP TRIGGER metrics_snapshot_organization_exists ON metrics_caseratesnapshot;
DROP FUNCTION metrics_organizations_truncated_snapshots();
DROP FUNCTION metrics_organization_keeps_snapshots();
DROP FUNCTION metrics_snapshot_organization_exists();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("designation", "0004_renewal_for_anniversary"),
        ("metrics", "0009_step_stays"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseratesnapshot",
            name="organization",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="case_rate_snapshots",
                to="designation.organization",
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
