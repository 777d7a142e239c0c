from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "balise.api"
    label = "api"
