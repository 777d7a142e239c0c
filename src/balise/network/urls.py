"""Network administration URLs. The names are stable: the access matrix (tests/matrix) uses them."""

from django.urls import path

from balise.network import key_views, views

app_name = "network"
urlpatterns = [
    path("", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/invite-steward/", views.steward_invite, name="steward_invite"),
    path("users/", views.user_list, name="users"),
    path("users/<int:pk>/platform-role/", views.user_platform_role, name="user_platform_role"),
    path("secret/", key_views.secret_admin, name="secret_admin"),
    path("secret/custodian/", key_views.secret_custodian, name="secret_custodian"),
    path("secret/publish/", key_views.secret_publish, name="secret_publish"),
    path("secret/wrap/", key_views.secret_wrap, name="secret_wrap"),
]
