from django.urls import path

from manyi.twofactor import views

app_name = "twofactor"
urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("enable/", views.enable, name="enable"),
    path("disable/", views.disable, name="disable"),
    path("verify/", views.verify, name="verify"),
]
