from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "manyi.core"
    verbose_name = "核心"
