"""Access specs of the mail outbox (administrators only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from balise.mail.models import OutboundMail
from tests.conftest import Personas
from tests.matrix.harness import ADMINS, UrlSpec


def _failed(personas: Personas) -> Mapping[str, Any]:
    mail = OutboundMail.objects.create(
        purpose="test",
        recipient="someone@example.org",
        from_email="Balise <no-reply@balise.invalid>",
        subject="s",
        text="t",
        status=OutboundMail.Status.FAILED,
    )
    return {"pk": mail.pk}


SPECS = [
    UrlSpec("mail:outbox", {"GET": ADMINS}),
    UrlSpec("mail:retry", {"POST": ADMINS}, kwargs=_failed),
]
