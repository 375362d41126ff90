"""Move designations through the renewal window for a day (default today); idempotent."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from journey import renewal


class Command(BaseCommand):
    help = "Designation states, renewal enrollments and reminders for the day (SPEC section 8)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="The day to run for, YYYY-MM-DD (default: today).")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as exc:
            raise CommandError("--today must be a date in the form YYYY-MM-DD.") from exc
        result = renewal.refresh_designations(today=day or timezone.localdate())
        self.stdout.write(str(result))
