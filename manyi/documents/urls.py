from django.urls import include, path

from manyi.documents import views

app_name = "documents"
urlpatterns = [
    path("nominations/<int:pk>/form.docx", views.form_docx, name="form_docx"),
    path("nominations/<int:pk>/form.pdf", views.form_pdf, name="form_pdf"),
    path("blank/<slug:kind>.docx", views.blank_docx, name="blank_docx"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("", include("manyi.documents.export_urls")),
]
