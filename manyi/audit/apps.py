from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "manyi.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from manyi.audit import permissions, signals  # noqa: F401  (rules and login receivers)
