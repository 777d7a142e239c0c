from django.urls import path

from balise.situations import device_views, views

app_name = "situations"
urlpatterns = [
    path("", views.situation_list, name="list"),
    path("new/", views.situation_create_view, name="create"),
    path("validate/", views.validate_field_view, name="validate"),
    path("device-secret/", device_views.device_secret, name="device_secret"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/", views.situation_detail, name="detail"),
    path("<int:pk>/edit/", views.situation_edit_view, name="edit"),
]
