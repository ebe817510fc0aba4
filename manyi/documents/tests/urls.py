"""The project's URLs with the documents' (until manyi/urls.py includes them itself)."""

from django.urls import include, path

from manyi.urls import urlpatterns as project

included = any(getattr(p, "namespace", None) == "documents" for p in project)
urlpatterns = (
    project if included else [*project, path("documents/", include("manyi.documents.urls"))]
)
