from django.apps import AppConfig


class TwofactorConfig(AppConfig):
    name = "manyi.twofactor"
    verbose_name = "两步验证"

    def ready(self) -> None:
        from manyi.twofactor import permissions  # noqa: F401  (registers the rules)
