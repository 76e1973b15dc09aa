from django.core.management.base import BaseCommand

from smartwork.bookings.approvals import bookings_expire_pending


class Command(BaseCommand):
    help = ("Cancel every booking still waiting for approval once its hold has lapsed "
            "(idempotent).")

    def handle(self, *args, **options):
        n = bookings_expire_pending()
        self.stdout.write(f"{n} pending booking(s) released (not approved in time)")
