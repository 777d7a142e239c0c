from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "balise.audit"
    label = "audit"
