from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "manyi.nominations"
    verbose_name = "申报"

    def ready(self) -> None:
        from manyi.nominations import permissions  # noqa: F401  (registers the rules)
