"""List the crisis resources, or only those no person has checked (``--unverified``).

Nothing in Kindred can verify a phone number: the resources file records, per
entry, the date a person last checked it against its source (``verified``) or
null. This command is how an operator finds what still needs a human check.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from crisis.resources import ResourcesError, load_resources, unverified_entries


class Command(BaseCommand):
    help = "List crisis resources; --unverified lists the entries no person has checked."

    def add_arguments(self, parser):
        parser.add_argument(
            "--unverified", action="store_true", help="only entries with verified: null"
        )
        parser.add_argument("--path", help="a resources file other than the configured one")

    def handle(self, *args, unverified: bool = False, path: str | None = None, **options):
        try:
            data = load_resources(path)
        except ResourcesError as exc:
            raise CommandError(str(exc)) from exc
        if unverified:
            rows = unverified_entries(data)
            for code, name, source in rows:
                self.stdout.write(f"{code}\t{name}\t{source or '-'}")
            self.stderr.write(f"{len(rows)} entries not checked by a person")
            return
        for code, country in data["countries"].items():
            for entry in [country["emergency"], *country.get("lines", [])]:
                checked = entry.get("verified") or "unverified"
                number = entry.get("phone") or entry.get("text") or entry.get("url") or "-"
                self.stdout.write(f"{code}\t{entry['name']}\t{number}\t{checked}")
