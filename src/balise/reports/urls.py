"""URLs of finances (administrators), the team and activity reports."""

from django.urls import path

from balise.reports import finance_views, report_views, team_views

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
    path("team/", team_views.team, name="team"),
    path("team/photos/<int:pk>/", team_views.team_photo, name="team_photo"),
    path("team/manage/", team_views.team_manage, name="team_manage"),
    path("team/manage/new/", team_views.team_member_edit, name="team_member_new"),
    path("team/manage/<int:pk>/", team_views.team_member_edit, name="team_member_edit"),
    path("team/manage/<int:pk>/photo/", team_views.team_member_photo, name="team_member_photo"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/<int:pk>/", report_views.report_edit, name="report_edit"),
    path("reports/<int:pk>/sections/new/", report_views.section_edit, name="section_new"),
    path(
        "reports/<int:pk>/sections/<int:section_pk>/",
        report_views.section_edit,
        name="section_edit",
    ),
    path(
        "reports/<int:pk>/sections/<int:section_pk>/delete/",
        report_views.section_remove,
        name="section_delete",
    ),
    path(
        "reports/<int:pk>/regenerate/",
        report_views.report_regenerate_view,
        name="report_regenerate",
    ),
    path("reports/<int:pk>/freeze/", report_views.report_freeze_view, name="report_freeze"),
    path("activity-reports/", report_views.public_list, name="public_list"),
    path("activity-reports/<int:pk>/", report_views.public_detail, name="public_detail"),
    path("activity-reports/<int:pk>/report.pdf", report_views.public_pdf, name="public_pdf"),
]
