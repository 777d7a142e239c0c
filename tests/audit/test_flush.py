"""`flush` (what committing tests end with) may empty the audit table, except in production."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.core.management.base import CommandError

from balise.audit.models import AuditEvent
from tests.audit.helpers import seed_chain


@pytest.mark.django_db(transaction=True)
def test_it_empties_the_audit_table_outside_production() -> None:
    seed_chain(3)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_it_refuses_with_production_settings(settings: LazySettings) -> None:
    seed_chain(1)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="audit log"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 1
