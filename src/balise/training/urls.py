"""Trainings URLs: public pages, pages opened by signed links, and the editors' pages under
``manage/``. The names are stable: the access matrix (tests/matrix) refers to them."""

from django.urls import path

from balise.training import manage_views, views

app_name = "training"
urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("<int:pk>/", views.session_detail, name="session"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/registered/", views.registered, name="registered"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("me/<str:token>/", views.manage, name="manage"),
    path("me/<str:token>/certificate.pdf", views.my_certificate, name="my_certificate"),
    path("evaluate/<str:token>/", views.evaluate, name="evaluate"),
    # Editors.
    path("manage/", manage_views.course_list, name="course_list"),
    path("manage/courses/new/", manage_views.course_edit, name="course_create"),
    path("manage/courses/<int:pk>/", manage_views.course_detail, name="course_detail"),
    path("manage/courses/<int:pk>/edit/", manage_views.course_edit, name="course_edit"),
    path("manage/courses/<int:pk>/results/", manage_views.course_results, name="course_results"),
    path(
        "manage/courses/<int:course_pk>/sessions/new/",
        manage_views.session_edit,
        name="session_create",
    ),
    path("manage/sessions/<int:pk>/", manage_views.session_manage, name="session_manage"),
    path("manage/sessions/<int:pk>/edit/", manage_views.session_edit, name="session_edit"),
    path("manage/sessions/<int:pk>/cancel/", manage_views.session_cancel, name="session_cancel"),
    path(
        "manage/sessions/<int:pk>/participants/new/",
        manage_views.participant_add,
        name="participant_add",
    ),
    path(
        "manage/sessions/<int:pk>/participants/import/",
        manage_views.participant_import,
        name="participant_import",
    ),
    path("manage/sessions/<int:pk>/check-in/", manage_views.checkin, name="checkin"),
    path(
        "manage/sessions/<int:pk>/attendance.<str:fmt>",
        manage_views.attendance_export,
        name="attendance_export",
    ),
    path("manage/sessions/<int:pk>/results/", manage_views.session_results, name="session_results"),
    path(
        "manage/registrations/<int:pk>/<str:action>/",
        manage_views.registration_action,
        name="registration_action",
    ),
    path(
        "manage/registrations/<int:pk>/certificate.pdf",
        manage_views.certificate,
        name="certificate",
    ),
    path("manage/people/", manage_views.person, name="person"),
]
