"""URLs of panels, assignments and scoring (mounted under /reviews/)."""

urlpatterns: list = []
