from django.urls import path

from manyi.privacy import views

app_name = "privacy"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("notice/", views.notice, name="notice"),
    path("mine/", views.mine, name="mine"),
    path("mine/download/", views.download, name="download"),
    path("consents/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("people/", views.people, name="people"),
    path("people/<int:user_id>/erase/", views.erase, name="erase"),
]
