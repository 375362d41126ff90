"""Store every organisation's case-rate snapshot for a day (the nightly job, run by hand)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from metrics import services
from portal.dates import day_option


class Command(BaseCommand):
    help = "Recompute every organisation's TTM case rate for a day; a rerun replaces the rows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", type=day_option, help="The day, YYYY-MM-DD (default: today)."
        )

    def handle(self, *args, **options):
        as_of = options["as_of"] or timezone.localdate()
        result = services.nightly_case_rates(as_of=as_of)
        style = self.style.SUCCESS if result.ran else self.style.WARNING
        self.stdout.write(style(str(result)))
        if result.ran:
            self.stdout.write(f"{result.written} snapshots new or changed.")
