from django.core.management.base import BaseCommand

from smartwork.bookings.services import bookings_release_no_shows


class Command(BaseCommand):
    help = "Mark no-show every booking not checked in by its centre's deadline (idempotent)."

    def handle(self, *args, **options):
        n = bookings_release_no_shows()
        self.stdout.write(f"{n} booking(s) released as no-show")
