"""URLs of finances (administrators), the team and activity reports."""

from django.urls import path

from balise.reports import finance_views

app_name = "reports"

urlpatterns = [
    path("finances/", finance_views.finance_index, name="finances"),
    path("finances/subcategories/", finance_views.subcategories, name="subcategories"),
    path("finances/<int:year>/", finance_views.finance_year, name="finance_year"),
    path("finances/<int:year>/lines/", finance_views.finance_line_create, name="finance_line_add"),
    path(
        "finances/lines/<int:pk>/delete/",
        finance_views.finance_line_remove,
        name="finance_line_delete",
    ),
    path("finances/<int:year>/import/", finance_views.finance_import_view, name="finance_import"),
    path("finances/<int:year>/close/", finance_views.finance_close, name="finance_close"),
    path("finances/<int:year>/reopen/", finance_views.finance_reopen, name="finance_reopen"),
]
