from django.urls import path

from manyi.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.campaign_dashboard, name="campaign"),
    path("<int:year>/<slug:slug>.<str:fmt>", views.download, name="download"),
]
