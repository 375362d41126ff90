"""The program's first rules version (SPEC section 11 defaults) and the staff role groups."""

import datetime

from django.db import migrations

STAFF_GROUPS = ("Microsoft reviewer", "ISSI auditor", "Program admin")


def create(apps, schema_editor):
    ProgramRules = apps.get_model("designation", "ProgramRules")
    Group = apps.get_model("auth", "Group")
    if not ProgramRules.objects.exists():
        ProgramRules.objects.create(
            effective_from=datetime.date(2025, 1, 1),
            note="Launch defaults (SPEC section 11).",
        )
    for name in STAFF_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("designation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
