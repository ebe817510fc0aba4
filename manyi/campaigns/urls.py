from django.urls import path

from manyi.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.home, name="home"),
]
