from django.urls import path

from manyi.nominations import views

app_name = "nominations"
urlpatterns = [
    path("", views.my_nominations, name="list"),
    path("new/<slug:kind>/", views.new, name="new"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/view/", views.detail, name="detail"),
    path("<int:pk>/file/", views.file, name="file"),
    path("<int:pk>/attachments/<slug:slot>/", views.upload, name="upload"),
    path("<int:pk>/attachments/<int:attachment_id>/download/", views.download, name="download"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/delete/",
        views.delete_attachment,
        name="delete_attachment",
    ),
    path("<int:pk>/honours/", views.add_honour, name="add_honour"),
    path("<int:pk>/honours/<int:honour_id>/delete/", views.delete_honour, name="delete_honour"),
]
