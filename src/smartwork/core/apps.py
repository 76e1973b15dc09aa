from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "smartwork.core"
    label = "core"
    verbose_name = "Core"
