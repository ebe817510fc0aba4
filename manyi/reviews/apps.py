from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "manyi.reviews"
    verbose_name = "评审"
