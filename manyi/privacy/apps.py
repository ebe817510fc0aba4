from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "manyi.privacy"
    verbose_name = _("Personal information")

    def ready(self) -> None:
        from manyi.privacy import permissions  # noqa: F401  (registers the rules)
