"""Move designations through the renewal window for a day (default today); idempotent."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from journey import renewal
from portal.dates import day_option


class Command(BaseCommand):
    help = "Designation states, renewal enrollments and reminders for the day (SPEC section 8)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=day_option, help="The day to run for, YYYY-MM-DD (default: today)."
        )

    def handle(self, *args, **options):
        result = renewal.refresh_designations(today=options["today"] or timezone.localdate())
        self.stdout.write(str(result))
