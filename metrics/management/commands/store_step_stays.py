"""Store the stays in each step ended so far (the nightly step, run by hand)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from metrics.stays import store_step_stays
from portal.dates import day_option


class Command(BaseCommand):
    help = "Store the stays in each step ended by events recorded before the day (reruns add none)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", type=day_option, help="The day, YYYY-MM-DD (default: today)."
        )

    def handle(self, *args, **options):
        as_of = options["as_of"] or timezone.localdate()
        result = store_step_stays(as_of=as_of)
        style = self.style.SUCCESS if result.ran else self.style.WARNING
        self.stdout.write(style(str(result)))
