from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "smartwork.credits"
    label = "credits"
