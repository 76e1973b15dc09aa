from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "smartwork.sso"
    label = "sso"
    verbose_name = "Company single sign-on"
