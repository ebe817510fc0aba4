"""Public pages: the notice (公示), objections, results, certificate verification (mounted at /).
No login: they show only what the public may read."""

from django.urls import path

from manyi.reviews import results_views as views

app_name = "public"
urlpatterns = [
    path("notice/", views.public_notice, name="notice"),
    path("notice/objection/", views.lodge_objection, name="object"),
    path("results/", views.public_results, name="results"),
    path("verify/", views.verify, name="verify"),
]
