from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "smartwork.web"
    label = "web"
