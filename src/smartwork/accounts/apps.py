from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "smartwork.accounts"
    label = "accounts"
