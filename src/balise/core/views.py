"""Home page and the health check."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from balise import __version__
from balise.core.home import home_sections


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"sections": home_sections(request)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and every migration is applied; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    if pending:
        return JsonResponse(
            {"status": "error", "database": "ok", "migrations": "pending", "pending": len(pending)},
            status=503,
        )
    return JsonResponse(
        {"status": "ok", "database": "ok", "migrations": "applied", "version": __version__}
    )
