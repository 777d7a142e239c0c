"""`balise demo`: the demo network, idempotent, audited, refused without demo settings."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.core.management.base import CommandError

from balise.accounts.models import Organisation, OrgRole, PlatformRole, User
from balise.audit.models import AuditEvent
from balise.audit.services import verify_chain
from balise.linkage.secret import loads_secret
from balise.network.management.commands.demo import (
    DEMO_ORGANISATIONS,
    DEMO_PASSWORD,
    DEMO_UNLOCK_CODE,
)
from balise.network.models import KeyCustodian, NetworkKey, WrappedSecret
from balise.network.wrapping import unwrap_secret


@pytest.fixture(autouse=True)
def _var_dir(settings: LazySettings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # the demo secret is written there


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_refuses_without_demo_settings(settings: LazySettings) -> None:
    settings.DEMO = False
    with pytest.raises(CommandError, match="BALISE_DEMO=1"):
        run()
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_it_builds_the_demo_network(settings: LazySettings) -> None:
    settings.DEMO = True
    output = run()
    organisations = Organisation.objects.all()
    assert organisations.count() == len(DEMO_ORGANISATIONS) >= 6
    assert len({o.sector for o in organisations}) >= 6
    for organisation in organisations:
        members = organisation.members.all()
        assert [m.org_role for m in members].count(OrgRole.STEWARD) == 1
        assert [m.org_role for m in members].count(OrgRole.RECORDER) == 2
    platform = dict(
        User.objects.exclude(platform_role="")
        .values_list("email", "platform_role")
        .order_by("email")
    )
    assert sorted(platform.values()) == ["admin", "analyst", "analyst", "editor"]
    admin = User.objects.get(platform_role=PlatformRole.ADMIN)
    assert admin.check_password(DEMO_PASSWORD)
    assert admin.email in output
    assert "saj.steward@balise.test" in output
    assert output.count(DEMO_PASSWORD) == User.objects.count()


@pytest.mark.django_db
def test_it_is_idempotent_and_audited(settings: LazySettings) -> None:
    settings.DEMO = True
    run()
    counts = (Organisation.objects.count(), User.objects.count())
    steward = User.objects.get(email="cpvs.steward@balise.test")
    steward.set_password("changed by someone else 1")
    steward.save(update_fields=["password"])
    second = run()
    assert (Organisation.objects.count(), User.objects.count()) == counts
    assert "0 organisations and 0 accounts created this time" in second
    steward.refresh_from_db()
    assert steward.check_password(DEMO_PASSWORD)
    loaded = list(AuditEvent.objects.filter(action="demo.loaded").values_list("details", flat=True))
    assert [d["users_created"] for d in loaded] == [counts[1], 0]
    assert AuditEvent.objects.filter(action="network.organisation_created").count() == counts[0]
    assert AuditEvent.objects.filter(action="demo.user_created").count() == counts[1]
    assert verify_chain().ok


@pytest.mark.django_db
def test_it_hands_out_the_demo_secret_wrapped(settings: LazySettings, tmp_path: Path) -> None:
    settings.DEMO = True
    settings.VAR_DIR = tmp_path
    output = run()
    secret = loads_secret((tmp_path / "demo-network-secret").read_text(encoding="utf-8"))
    assert secret.key_id in output
    assert DEMO_UNLOCK_CODE in output
    assert NetworkKey.objects.get().key_id == secret.key_id
    wraps = WrappedSecret.objects.all()
    assert wraps.count() == len(DEMO_ORGANISATIONS)
    assert unwrap_secret(wraps[0].wrapped, DEMO_UNLOCK_CODE) == secret.dumps()
    assert KeyCustodian.objects.count() == 1
    run()  # idempotent: nothing new
    assert WrappedSecret.objects.count() == len(DEMO_ORGANISATIONS)
    assert NetworkKey.objects.count() == 1


@pytest.mark.django_db
def test_it_adds_the_demo_publications_and_newsletter_once(settings: LazySettings) -> None:
    from balise.publications.demo import DEMO_PUBLICATIONS
    from balise.publications.models import Issue, Publication, PublicationVersion, Subscriber

    settings.DEMO = True
    output = run()
    demo = Publication.objects.filter(authors="Équipe Balise (démo)")
    assert demo.count() == len(DEMO_PUBLICATIONS) >= 12
    assert all(p.is_published for p in demo)
    versions = PublicationVersion.objects.filter(publication__in=demo)
    assert set(versions.values_list("language", flat=True)) == {"fr", "nl", "en"}
    assert all(v.page_count == 1 and v.pdf_text for v in versions)
    assert Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).count() >= 30
    assert Issue.objects.count() == 2
    assert "demo publications (/publications/)" in output

    run()
    assert Publication.objects.filter(authors="Équipe Balise (démo)").count() == len(
        DEMO_PUBLICATIONS
    )
