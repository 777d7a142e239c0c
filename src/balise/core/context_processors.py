"""Template context every page needs: demo banner and whether MFA is enforced."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def balise(request: HttpRequest) -> dict[str, object]:
    return {
        "BALISE_DEMO": settings.DEMO,
        "BALISE_REQUIRE_MFA": settings.REQUIRE_MFA,
    }
