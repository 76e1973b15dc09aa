from django.apps import AppConfig


class WorkplansConfig(AppConfig):
    name = "smartwork.workplans"
    label = "workplans"
