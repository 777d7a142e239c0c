"""Top-level URLs; each app brings its own module."""

from django.urls import include, path
from django.views.i18n import set_language

from balise.api.routes import api
from balise.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("balise.accounts.urls")),
    path("audit/", include("balise.audit.urls")),
    path("situations/import/", include("balise.situations.import_urls")),
    path("situations/", include("balise.situations.urls")),
    path("network/", include("balise.network.urls")),
    path("detection/", include("balise.detection.urls")),
    path("jobs/", include("balise.jobs.urls")),
    path("mail/", include("balise.mail.urls")),
    path("observatory/", include("balise.observatory.urls")),
    path("statistics/", include("balise.observatory.public_urls")),
    path("publications/", include("balise.publications.urls")),
    path("trainings/", include("balise.training.urls")),
    path("newsletter/", include("balise.publications.newsletter_urls")),
    path("api/", include("balise.api.urls")),  # token pages, docs, /api/v1/ index
    path("api/v1/", api.urls),
    path("", include("balise.reports.urls")),
    path("", include("balise.core.urls")),
]
