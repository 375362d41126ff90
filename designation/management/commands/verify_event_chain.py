"""Check every enrollment's event chain; exit non-zero when any link is broken."""

from django.core.management.base import BaseCommand, CommandError

from designation.selectors import verify_event_chain


class Command(BaseCommand):
    help = "Recompute the SHA-256 chain of enrollment events and report every break."

    def add_arguments(self, parser):
        parser.add_argument("--enrollment", type=int, help="Check one enrollment only.")

    def handle(self, *args, **options):
        problems = verify_event_chain(options.get("enrollment"))
        for problem in problems:
            where = f"event {problem.sequence}" if problem.sequence else "chain head"
            self.stderr.write(f"enrollment {problem.enrollment_id}, {where}: {problem.problem}")
        if problems:
            raise CommandError(f"The event chain is broken in {len(problems)} place(s).")
        self.stdout.write(self.style.SUCCESS("Every enrollment's event chain is intact."))
