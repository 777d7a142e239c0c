from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "balise.observatory"
    label = "observatory"
