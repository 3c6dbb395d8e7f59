from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from community.privacy import purge


class Command(BaseCommand):
    help = "Delete messages older than the retention period (MESSAGE_RETENTION_DAYS, 90)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            default=None,
            help=f"Days to keep (default {settings.MESSAGE_RETENTION_DAYS}).",
        )

    def handle(self, *args, older_than=None, **options):
        if older_than is not None and older_than < 0:
            raise CommandError("--older-than must be 0 or more days.")
        result = purge(older_than_days=older_than)
        self.stdout.write(
            f"Deleted {result['messages']} message(s) and "
            f"{result['items']} closed moderation item(s)."
        )
