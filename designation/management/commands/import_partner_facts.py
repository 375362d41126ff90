"""python manage.py import_partner_facts FILE [--kind KIND]: load one partner facts feed file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from designation.feed import run_feed
from designation.feed_views import kind_of
from designation.feedsql import KINDS


class Command(BaseCommand):
    help = (
        "Import one partner facts feed file (all or nothing; every bad row reported). "
        "The kind comes from --kind or the file name: " + ", ".join(f"{k}.csv" for k in KINDS)
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=sorted(KINDS))

    def handle(self, *args, file: Path, kind: str | None, **options):
        kind = kind or kind_of(file.name)
        if kind is None:
            raise CommandError(
                f"Say which kind of facts {file.name} holds: --kind {' | '.join(sorted(KINDS))}."
            )
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        with file.open("rb") as fileobj:
            outcome = run_feed(kind=kind, fileobj=fileobj, size=file.stat().st_size)
        if not outcome.ok:
            lines = [outcome.detail] + [
                f"  row {e['row']}, {e['column'] or 'file'}: {e['message']}" for e in outcome.errors
            ]
            if outcome.error_count > len(outcome.errors):
                lines.append(f"  ... and {outcome.error_count - len(outcome.errors)} more")
            raise CommandError("\n".join(lines))
        self.stdout.write(outcome.detail)
