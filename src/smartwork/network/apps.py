from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "smartwork.network"
    label = "network"
