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
    path("releases/<int:pk>/apply/", views.release_apply, name="release_apply"),
    path("releases/<int:pk>/edit/", views.release_edit, name="release_edit"),
    path("releases/<int:pk>/delete/", views.release_delete_view, name="release_delete"),
    path("releases/<int:pk>/withdraw/", views.release_withdraw_view, name="release_withdraw"),
]
