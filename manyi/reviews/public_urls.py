"""Public pages: the notice (公示), objections, results, certificate verification (mounted at /)."""

app_name = "public"
urlpatterns: list = []
