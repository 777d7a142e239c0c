"""URLs of the bulk import, mounted at situations/import/ (before the situations URLs)."""

from django.urls import path

from balise.situations import import_views

app_name = "situations_import"
urlpatterns = [
    path("", import_views.import_upload, name="upload"),
    path("template.csv", import_views.import_template, name="template"),
    path(
        "template-<slug:language>.<slug:file_format>",
        import_views.import_template_file,
        name="template_file",
    ),
    path("<int:pk>/", import_views.import_result, name="result"),
    path("<int:pk>/confirm/", import_views.import_confirm, name="confirm"),
    path("<int:pk>/errors.csv", import_views.import_errors_csv, name="errors_csv"),
]
