from django.core.management.base import BaseCommand

from rooms.seed import seed_rooms


class Command(BaseCommand):
    help = "Create the default topic rooms that are missing (safe to run again)."

    def handle(self, *args, **options):
        created = seed_rooms()
        self.stdout.write(f"{created} room(s) created.")
