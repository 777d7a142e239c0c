from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "balise.jobs"
    label = "jobs"
