"""URLs of panels, assignments and scoring (mounted under /reviews/, namespace "reviews")."""

from django.urls import path

from manyi.reviews import judging_views as views

urlpatterns: list = [
    # the secretariat
    path("panels/", views.panels, name="panels"),
    path("panels/<int:category_id>/", views.set_panel, name="set_panel"),
    path("assignments/<int:category_id>/", views.assignments, name="assignments"),
    path("assignments/<int:category_id>/auto/", views.auto_assign, name="auto_assign"),
    path("assignments/<int:category_id>/assign/", views.assign, name="assign_judge"),
    path("assignments/<int:category_id>/finish/", views.finish_review, name="finish_review"),
    path("assignments/release/<int:assignment_id>/", views.unassign, name="unassign"),
    path("scores/<int:review_id>/reopen/", views.reopen_review, name="reopen_review"),
    # the judges
    path("tasks/", views.judge_tasks, name="judge_tasks"),
    path("tasks/<int:pk>/", views.score, name="score"),
    path("tasks/<int:pk>/conflict/", views.declare_conflict, name="declare_conflict"),
    path("tasks/<int:pk>/visit/", views.mystery_visit, name="mystery_visit"),
    path("tasks/<int:pk>/files/<int:attachment_id>/", views.judge_file, name="judge_file"),
]
