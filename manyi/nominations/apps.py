from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "manyi.nominations"
    verbose_name = "申报"
