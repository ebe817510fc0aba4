from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "manyi.dashboard"
    verbose_name = "统计与提醒"

    def ready(self) -> None:
        from manyi.dashboard import permissions  # noqa: F401  (registers the rules)
