"""The secretariat's downloads (included by manyi/documents/urls.py, "documents" namespace)."""

from django.urls import path

from manyi.documents import export_views as views

urlpatterns = [
    path("campaigns/<int:year>/certificates.pdf", views.certificates_pdf, name="certificates_pdf"),
    path("campaigns/<int:year>/plaques.xlsx", views.plaques_xlsx, name="plaques_xlsx"),
    path(
        "campaigns/<int:year>/<slug:kind>/nominations.xlsx",
        views.nominations_xlsx,
        name="nominations_xlsx",
    ),
    path("campaigns/<int:year>/<slug:kind>/ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path(
        "campaigns/<int:year>/<slug:kind>/score-sheets.xlsx",
        views.score_sheets_xlsx,
        name="score_sheets_xlsx",
    ),
]
