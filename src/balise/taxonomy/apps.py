from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    name = "balise.taxonomy"
    verbose_name = _("Data dictionary")

    def ready(self) -> None:
        from balise.taxonomy import checks  # noqa: F401  (registers the system check)
