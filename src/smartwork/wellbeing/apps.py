from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "smartwork.wellbeing"
    label = "wellbeing"

    def ready(self) -> None:
        from smartwork.wellbeing import tasks  # noqa: F401 -- registers the periodic jobs
