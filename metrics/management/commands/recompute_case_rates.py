"""Store every organisation's case-rate snapshot for a day (the nightly job, run by hand)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from metrics import services


class Command(BaseCommand):
    help = "Recompute every organisation's TTM case rate for a day; a rerun replaces the rows."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="The day, YYYY-MM-DD (default: today).")

    def handle(self, *args, **options):
        raw = options.get("as_of")
        try:
            as_of = date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of “{raw}” is not a date in the form YYYY-MM-DD.") from exc
        result = services.nightly_case_rates(as_of=as_of)
        style = self.style.SUCCESS if result.ran else self.style.WARNING
        self.stdout.write(style(str(result)))
        if result.ran:
            self.stdout.write(f"{result.written} snapshots new or changed.")
