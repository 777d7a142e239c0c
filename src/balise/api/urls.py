from django.urls import path

from balise.api import views

app_name = "api_tokens"
urlpatterns = [
    path("tokens/", views.token_list, name="list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="revoke"),
    path("v1/", views.api_index, name="index"),
    path("v1/docs", views.api_docs, name="docs"),
]
