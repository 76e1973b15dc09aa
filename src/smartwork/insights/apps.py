from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "smartwork.insights"
    label = "insights"
