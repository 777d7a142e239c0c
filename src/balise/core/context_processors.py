"""Template context every page needs: demo banner (with where sent mails land) and whether MFA
is enforced."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def balise(request: HttpRequest) -> dict[str, object]:
    return {
        "BALISE_DEMO": settings.DEMO,
        "BALISE_REQUIRE_MFA": settings.REQUIRE_MFA,
        # The demo writes mails (invitations, password resets) to files instead of sending them.
        "BALISE_DEMO_MAIL_DIR": (
            str(getattr(settings, "EMAIL_FILE_PATH", ""))
            if settings.DEMO and settings.EMAIL_BACKEND.endswith("filebased.EmailBackend")
            else ""
        ),
    }
