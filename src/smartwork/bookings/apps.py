from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "smartwork.bookings"
    label = "bookings"
