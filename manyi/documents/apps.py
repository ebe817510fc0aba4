from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "manyi.documents"
    verbose_name = "文档"
