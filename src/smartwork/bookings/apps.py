from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "smartwork.bookings"
    label = "bookings"

    def ready(self) -> None:
        # Registers the periodic jobs with smartwork.core.periodic when it exists.
        from smartwork.bookings import tasks  # noqa: F401
