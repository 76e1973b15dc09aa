from django.apps import AppConfig


class EconomicsConfig(AppConfig):
    name = "smartwork.economics"
    label = "economics"
