"""URLs of ranking, proposals, decisions, the notice, objections and results for the
secretariat (mounted under /reviews/, in the "reviews" namespace)."""

from django.urls import path

from manyi.reviews import results_views as views

urlpatterns = [
    path("ranking/", views.ranking_index, name="ranking_index"),
    path("ranking/<int:category_id>/", views.ranking_page, name="ranking"),
    path("ranking/<int:category_id>/pages/", views.ranking_paged, name="ranking_paged"),
    path("propose/<int:category_id>/", views.propose, name="propose"),
    path("decision/<int:category_id>/", views.decision, name="decision"),
    path("decision/minutes/<int:pk>/", views.decision_minutes, name="decision_minutes"),
    path("notice/", views.notice_admin, name="notice_admin"),
    path("objections/<int:pk>/", views.objection, name="objection"),
    path(
        "objections/<int:pk>/evidence/<int:evidence_id>/",
        views.objection_evidence,
        name="objection_evidence",
    ),
    path("results/publish/", views.publish, name="publish"),
]
