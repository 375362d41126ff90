"""Load the demo data (idempotent) and print the demo sign-ins."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from journey import demo, demo_journey
from metrics import demo as metrics_demo


class Command(BaseCommand):
    help = "Create demo organisations and one user per role; a second run changes nothing."

    def handle(self, *args, **options):
        with transaction.atomic():
            sign_ins = demo.seed(timezone.localdate())
            metrics_demo.seed(timezone.localdate())
            demo_journey.seed_journey(timezone.localdate())  # after the metrics data it reads
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at /accounts/login/ with:"))
        width = max(len(name) for name, _ in sign_ins)
        for name, role in sign_ins:
            self.stdout.write(f"  {name.ljust(width)}  {demo.DEMO_PASSWORD}  ({role})")
