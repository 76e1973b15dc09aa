from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "smartwork.billing"
    label = "billing"
