from django.urls import path

from balise.observatory import views

app_name = "observatory"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:name>.<str:fmt>", views.export, name="export"),
    path("linkage/", views.linkage, name="linkage"),
    path("linkage/start/", views.linkage_start, name="linkage_start"),
    path("releases/", views.release_list, name="release_list"),
    path("releases/new/", views.release_new, name="release_new"),
    path("releases/<int:pk>/", views.release_detail, name="release_detail"),
    path("releases/<int:pk>/preview/", views.release_recompute, name="release_preview"),
    path("releases/<int:pk>/approve/", views.release_approve_view, name="release_approve"),
]
