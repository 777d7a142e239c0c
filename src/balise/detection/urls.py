"""Detection aid URLs. The names are stable: the access matrix (tests/matrix) refers to them."""

from django.urls import path

from balise.detection import views

app_name = "detection"
urlpatterns = [
    path("", views.checklist, name="checklist"),
    path("summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("services/", views.services, name="services"),
    path("guidance/", views.guidance_list, name="guidance_list"),
    path("guidance/<str:key>/<str:language>/", views.guidance_edit, name="guidance_edit"),
]
