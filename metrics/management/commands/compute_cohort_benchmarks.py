"""Store the day's anonymised cohort benchmarks (the nightly step, run by hand)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from metrics.benchmarks import nightly_cohort_benchmarks
from portal.dates import day_option


class Command(BaseCommand):
    help = "Compute the case-rate cohort benchmarks of a day from its snapshots (a rerun replaces)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", type=day_option, help="The day, YYYY-MM-DD (default: today)."
        )

    def handle(self, *args, **options):
        as_of = options["as_of"] or timezone.localdate()
        result = nightly_cohort_benchmarks(as_of=as_of)
        style = self.style.SUCCESS if result.ran else self.style.WARNING
        self.stdout.write(style(str(result)))
