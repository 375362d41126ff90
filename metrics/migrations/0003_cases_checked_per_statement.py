"""Cases lose their per-row foreign key for triggers that check once per statement.

Also: case_id in byte order ("C"), and metrics_import_refused(), which the importer's write
calls on a value that breaks a rule so that a bad file fails at once.

Loading 1M cases spent about half its time in the foreign key's per-row checks (at COMMIT).
Instead:
- the importer checks and locks its one organisation once per statement (FOR KEY SHARE until
  commit, as the foreign key did) and says so in metrics.checked_organization; any other
  insert, and an update that moves a case to another organisation, is checked row by row by a
  trigger (a statement trigger over a transition table was measured at +15% on 1M rows);
- deleting an organisation, changing its id, or truncating organisations while cases still
  point at it is refused (the ORM deletes the cases first, so Organization.delete() works).
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
-- The importer calls this on a value that breaks a rule: the write stops at once and the
-- importer's validation then names every bad cell. Polymorphic so that any column can use it.
CREATE FUNCTION metrics_import_refused(value anyelement) RETURNS anyelement
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE check_violation USING MESSAGE = 'import refused: a value breaks a rule';
END $$;

CREATE FUNCTION metrics_case_organization_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM designation_organization WHERE id = NEW.organization_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('metrics_case: organisation %s does not exist', NEW.organization_id),
            TABLE = 'metrics_case', COLUMN = 'organization_id';
    END IF;
    RETURN NEW;
END $$;

-- The importer locks its organisation (FOR KEY SHARE, until commit) and then names it in
-- metrics.checked_organization for the rest of its transaction: its rows skip the per-row
-- check, which any other writer still gets, as with a foreign key.
CREATE TRIGGER metrics_case_organization_exists
    BEFORE INSERT ON metrics_case FOR EACH ROW
    WHEN (current_setting('metrics.checked_organization', true)
          IS DISTINCT FROM NEW.organization_id::text)
    EXECUTE FUNCTION metrics_case_organization_exists();

CREATE TRIGGER metrics_case_organization_moved
    BEFORE UPDATE ON metrics_case FOR EACH ROW
    WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id)
    EXECUTE FUNCTION metrics_case_organization_exists();

CREATE FUNCTION metrics_organization_keeps_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM metrics_case WHERE organization_id = OLD.id) THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('organisation %s still has cases in metrics_case', OLD.id),
            TABLE = 'designation_organization';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER metrics_organization_deleted
    BEFORE DELETE ON designation_organization FOR EACH ROW
    EXECUTE FUNCTION metrics_organization_keeps_cases();

CREATE TRIGGER metrics_organization_rekeyed
    BEFORE UPDATE OF id ON designation_organization FOR EACH ROW
    WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION metrics_organization_keeps_cases();

-- AFTER, so that one TRUNCATE of both tables (a test flush) passes.
CREATE FUNCTION metrics_organizations_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM metrics_case) THEN
        RAISE foreign_key_violation USING
            MESSAGE = 'organisations truncated while metrics_case still has cases',
            TABLE = 'designation_organization';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER metrics_organizations_truncated
    AFTER TRUNCATE ON designation_organization FOR EACH STATEMENT
    EXECUTE FUNCTION metrics_organizations_truncated();
"""

BACKWARD = """
DROP TRIGGER metrics_organizations_truncated ON designation_organization;
DROP TRIGGER metrics_organization_rekeyed ON designation_organization;
DROP TRIGGER metrics_organization_deleted ON designation_organization;
DROP TRIGGER metrics_case_organization_moved ON metrics_case;
DROP TRIGGER metrics_case_organization_exists ON metrics_case;
DROP FUNCTION metrics_organizations_truncated();
DROP FUNCTION metrics_organization_keeps_cases();
DROP FUNCTION metrics_case_organization_exists();
DROP FUNCTION metrics_import_refused(anyelement);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("designation", "0004_renewal_for_anniversary"),
        ("metrics", "0002_lean_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="case_id",
            field=models.CharField(
                db_collation="C",
                max_length=64,
                validators=[django.core.validators.MinLengthValidator(1)],
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="organization",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="cases",
                to="designation.organization",
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
