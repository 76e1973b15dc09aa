from django.apps import AppConfig


class WifiConfig(AppConfig):
    name = "smartwork.wifi"
    label = "wifi"
