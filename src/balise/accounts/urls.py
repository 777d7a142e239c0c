"""Accounts URLs. The names are stable: the access matrix (tests/matrix) refers to them."""

from django.urls import path

from balise.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("mfa/", views.mfa_verify, name="mfa_verify"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("me/", views.account, name="account"),
    path("me/password/", views.password_change, name="password_change"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.invite, name="invite"),
    path("members/<int:pk>/role/", views.member_set_role, name="member_set_role"),
    path("members/<int:pk>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("members/<int:pk>/reactivate/", views.member_reactivate, name="member_reactivate"),
    path("members/<int:pk>/mfa-reset/", views.member_mfa_reset, name="member_mfa_reset"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<int:pk>/approve/", views.invitation_approve, name="invitation_approve"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
