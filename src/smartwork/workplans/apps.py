from django.apps import AppConfig


class WorkplansConfig(AppConfig):
    name = "smartwork.workplans"
    label = "workplans"

    def ready(self) -> None:
        # The smart-working policy is one of the company rules a booking asks
        # (bookings/company_rules.py); bookings imports nothing of workplans.
        from smartwork.bookings.company_rules import register_rule
        from smartwork.workplans.enforce import PolicyRule

        register_rule(PolicyRule())
        # Quiet hours of the right to disconnect hold back mails (core/mail.py).
        from smartwork.core.mail import register_quiet_hours
        from smartwork.workplans.disconnect import quiet_until

        register_quiet_hours(quiet_until)
