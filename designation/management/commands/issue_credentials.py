"""Issue the Open Badges credential of every listed designation that has none (a backfill)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef

from designation.credentials.issue import issue_credential
from designation.models import Designation, IssuedCredential
from designation.rules import add_years


class Command(BaseCommand):
    help = "Issue a signed badge credential for each listed designation without a live one."

    def handle(self, *args, **options):
        missing = (
            Designation.objects.listed()
            .exclude(
                Exists(IssuedCredential.objects.filter(designation=OuterRef("pk"), revoked_at=None))
            )
            .select_related("organization")
        )
        issued = 0
        for designation in missing:
            # The current term: one year back from the anniversary, not before attainment.
            valid_from = max(designation.attained_on, add_years(designation.anniversary_on, -1))
            with transaction.atomic():
                issue_credential(
                    designation, valid_from=valid_from, valid_until=designation.anniversary_on
                )
            issued += 1
        self.stdout.write(f"Issued {issued} credential(s).")
