from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "smartwork.twofactor"
    label = "twofactor"
    verbose_name = "Two-factor login"
