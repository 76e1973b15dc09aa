from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "smartwork.insights"
    label = "insights"

    def ready(self) -> None:
        from smartwork.insights import (
            checks,  # noqa: F401 -- registers the data file checks
            tasks,  # noqa: F401 -- registers the summary refresh job
        )
