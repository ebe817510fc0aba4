"""URLs of ranking, proposals, decisions, the notice, objections and results for the
secretariat (mounted under /reviews/)."""

urlpatterns: list = []
