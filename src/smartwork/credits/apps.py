from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "smartwork.credits"
    label = "credits"

    def ready(self) -> None:
        # Registers the nightly job (periods, expiry, memberships) with core.periodic.
        from smartwork.credits import tasks  # noqa: F401
