from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "manyi.documents"
    verbose_name = "文档"

    def ready(self) -> None:
        from manyi.documents import permissions  # noqa: F401  (registers the rules)
