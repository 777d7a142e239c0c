"""Django's ``flush``, able to empty the append-only audit table outside production.

Tests that commit (live server, threads) end with a flush; the audit triggers would refuse it.
With production settings flush is refused: it would erase the audit log.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections

from balise.audit.guard import audit_maintenance


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("flush would erase the audit log; refused with production settings")
        with audit_maintenance(connections[options["database"]]):
            super().handle(**options)
