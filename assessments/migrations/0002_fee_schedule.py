"""The ISSI fee schedule at launch (SPEC section 7): capability 1,500, performance 1,350, CSAT 500."""

import datetime
from decimal import Decimal

from django.db import migrations

LAUNCH_FEES = {"capability": "1500.00", "performance": "1350.00", "csat": "500.00"}


def create(apps, schema_editor):
    FeeSchedule = apps.get_model("assessments", "FeeSchedule")
    for kind, amount in LAUNCH_FEES.items():
        FeeSchedule.objects.get_or_create(
            kind=kind,
            effective_from=datetime.date(2025, 1, 1),
            defaults={"amount": Decimal(amount), "currency": "USD", "note": "Seed 001 fees."},
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
