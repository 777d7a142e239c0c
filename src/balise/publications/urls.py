from django.urls import path
from django.views.decorators.http import require_GET

from balise.publications import feeds, views

app_name = "publications"
urlpatterns = [
    path("", views.catalogue_view, name="catalogue"),
    path("feed/<str:language>.atom", require_GET(feeds.PublicationsFeed()), name="feed"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:language>.pdf", views.pdf, name="pdf"),
    path("<int:pk>/<str:language>-cover.png", views.cover, name="cover"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:pk>/", views.edit, name="edit"),
    path("manage/<int:pk>/publish/", views.publish, name="publish"),
    path("manage/<int:pk>/unpublish/", views.unpublish, name="unpublish"),
    path("manage/<int:pk>/version/<str:language>/", views.version_edit, name="version_edit"),
]
