"""Store the stays in each step ended so far (the nightly step, run by hand)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from metrics.stays import store_step_stays


class Command(BaseCommand):
    help = "Store the stays in each step ended by events recorded before the day (reruns add none)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="The day, YYYY-MM-DD (default: today).")

    def handle(self, *args, **options):
        raw = options.get("as_of")
        try:
            as_of = date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of “{raw}” is not a date in the form YYYY-MM-DD.") from exc
        result = store_step_stays(as_of=as_of)
        style = self.style.SUCCESS if result.ran else self.style.WARNING
        self.stdout.write(style(str(result)))
