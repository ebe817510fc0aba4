from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "manyi.api"
    verbose_name = "开放接口"

    def ready(self) -> None:
        from manyi.api import permissions  # noqa: F401  (registers the rules)
