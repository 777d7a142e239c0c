"""Absolute session lifetime (ASVS 7.3.2); the idle timeout is Django's renewed cookie age."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from balise.audit.services import record_event

AUTH_STARTED_AT = "balise_auth_started_at"


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(AUTH_STARTED_AT)
            now = int(time.time())
            if started is None:
                request.session[AUTH_STARTED_AT] = now
            elif now - int(started) > settings.SESSION_ABSOLUTE_SECONDS:
                record_event("auth.session_expired", request=request, details={"rule": "absolute"})
                logout(request)
        return self.get_response(request)
