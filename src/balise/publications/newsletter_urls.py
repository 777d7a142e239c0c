from django.urls import path

from balise.publications import newsletter_views as views

app_name = "newsletter"
urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("issues/", views.issues, name="issues"),
    path("issues/new/", views.issue_create_view, name="issue_create"),
    path("issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/edit/", views.issue_edit, name="issue_edit"),
    path("issues/<int:pk>/test/", views.issue_test, name="issue_test"),
    path("issues/<int:pk>/send/", views.issue_send_view, name="issue_send"),
    path("subscribers/", views.subscribers, name="subscribers"),
    path("subscribers/export.<str:fmt>", views.subscribers_export, name="subscribers_export"),
    path("subscribers/<int:pk>/erase/", views.subscriber_erase_view, name="subscriber_erase"),
]
