from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "manyi.reviews"
    verbose_name = "评审"

    def ready(self) -> None:
        from manyi.reviews import permissions  # noqa: F401  (registers the rules)
