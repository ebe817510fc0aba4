from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "manyi.campaigns"
    verbose_name = "评选活动与评分标准"

    def ready(self) -> None:
        from manyi.campaigns import permissions  # noqa: F401  (registers the rules)
