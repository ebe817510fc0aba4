from django.urls import include, path

from manyi.documents import job_views, views

app_name = "documents"
urlpatterns = [
    path("nominations/<int:pk>/form.docx", views.form_docx, name="form_docx"),
    path("nominations/<int:pk>/form.pdf", views.form_pdf, name="form_pdf"),
    path("blank/<slug:kind>.docx", views.blank_docx, name="blank_docx"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("archives/", job_views.archives, name="archives"),
    path("archives/<int:pk>/progress/", job_views.archive_progress, name="archive_progress"),
    path("archives/<int:pk>/archive.zip", job_views.archive_download, name="archive_download"),
    path("import/", job_views.import_forms, name="import_forms"),
    path("", include("manyi.documents.export_urls")),
]
