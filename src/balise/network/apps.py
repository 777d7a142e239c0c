from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "balise.network"
    label = "network"
