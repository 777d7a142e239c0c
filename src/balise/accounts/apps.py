from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "balise.accounts"
    label = "accounts"

    def ready(self) -> None:
        from balise.accounts import checks  # noqa: F401  (registers the system check)
