from django.core.management.base import BaseCommand

from smartwork.bookings.services import bookings_complete


class Command(BaseCommand):
    help = "Complete every checked-in booking whose slot has ended (idempotent)."

    def handle(self, *args, **options):
        n = bookings_complete()
        self.stdout.write(f"{n} booking(s) completed")
