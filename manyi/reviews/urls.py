from django.urls import path

from manyi.reviews import judging_urls, results_urls, views

app_name = "reviews"
urlpatterns = [
    path("recommend/", views.recommend_list, name="recommend_list"),
    path("recommend/<int:pk>/", views.recommend, name="recommend"),
    path("recommend/ranking/<int:endorsement_id>/", views.move, name="move"),
    path("check/", views.check_list, name="check_list"),
    path("check/<int:pk>/", views.check, name="check"),
    path("check/overdue/", views.refuse_overdue, name="refuse_overdue"),
    path("check/accept/", views.accept_many, name="accept_many"),
]
urlpatterns += judging_urls.urlpatterns + results_urls.urlpatterns
