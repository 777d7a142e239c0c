from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SituationsConfig(AppConfig):
    name = "balise.situations"
    verbose_name = _("Situations")

    def ready(self) -> None:
        from balise.situations import checks  # noqa: F401  (registers the system check)
