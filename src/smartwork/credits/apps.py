from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "smartwork.credits"
    label = "credits"

    def ready(self) -> None:
        # Registers the nightly job (periods, expiry, memberships) with core.periodic.
        from smartwork.bookings.company_rules import register_payer
        from smartwork.credits import tasks  # noqa: F401
        from smartwork.credits.payment import CreditPayer

        # The booking engine pays through this (bookings/company_rules.py).
        register_payer(CreditPayer())
