from django.urls import path

from balise.observatory import public_views

app_name = "statistics"
urlpatterns = [
    path("", public_views.index, name="index"),
    path("<int:pk>/", public_views.detail, name="detail"),
    path("<int:pk>/release.<str:fmt>", public_views.download, name="download"),
]
