"""Publication services: editors only, validated (legal deposit, topics), publishing audited; the
activity report's selectors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from balise.audit.models import AuditEvent
from balise.publications.models import (
    Consent,
    Kind,
    Publication,
    Subscriber,
    validate_legal_deposit,
)
from balise.publications.selectors import newsletter_reach, publications_between
from balise.publications.services import PublicationData, publication_create, publication_publish
from tests.conftest import Personas
from tests.publications.helpers import make_publication


def _data(**changes: object) -> PublicationData:
    values: dict[str, object] = {
        "kind": Kind.ANALYSIS,
        "authors": "",
        "published_on": date(2026, 1, 1),
        "legal_deposit": "",
        "topics": (),
    }
    values.update(changes)
    return PublicationData(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("number", ["D/2026/1234/5", "D/1999/12345/12", "D/2026/0001/1"])
def test_it_accepts_legal_deposit_numbers(number: str) -> None:
    validate_legal_deposit(number)


@pytest.mark.parametrize(
    "number",
    [
        "2026/1234/5",
        "D/26/1234/5",
        "D-2026-1234-5",
        "D/2026/12/5",
        "d/2026/1234/5",
        "D/1900/1234/1",
        "D/2026/1234/5 ",
    ],
)
def test_it_refuses_malformed_legal_deposit_numbers(number: str) -> None:
    with pytest.raises(ValidationError):
        validate_legal_deposit(number)


def test_it_refuses_a_bad_legal_deposit_and_an_unknown_topic(personas: Personas) -> None:
    with pytest.raises(ValidationError) as caught:
        publication_create(
            actor=personas.editor,
            data=_data(legal_deposit="D/2026/1/1", topics=("forms:nonsense",)),
        )
    assert set(caught.value.error_dict) == {"legal_deposit", "topics"}
    assert not Publication.objects.exists()


@pytest.mark.parametrize("persona", ["analyst", "admin", "steward_a", "loner"])
def test_it_lets_only_editors_write(personas: Personas, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        publication_create(actor=getattr(personas, persona), data=_data())


def test_it_audits_publishing_and_refuses_an_empty_publication(personas: Personas) -> None:
    empty = publication_create(actor=personas.editor, data=_data())
    with pytest.raises(ValidationError):
        publication_publish(actor=personas.editor, publication=empty)

    publication = make_publication(personas.editor, versions={"fr": ("Titre", "", "texte")})

    assert publication.status == Publication.Status.PUBLISHED
    event = AuditEvent.objects.get(action="publication.published")
    assert event.actor_id == personas.editor.pk
    assert event.object_id == str(publication.pk)
    assert event.details == {"languages": ["fr"]}


def test_it_lists_the_publications_of_a_period(personas: Personas) -> None:
    make_publication(
        personas.editor,
        versions={"fr": ("Rapport 2025", "", "t"), "nl": ("Verslag 2025", "", "t")},
        kind=Kind.ACTIVITY_REPORT,
        published_on=date(2026, 3, 31),
    )
    make_publication(
        personas.editor, versions={"fr": ("Avant", "", "t")}, published_on=date(2025, 12, 31)
    )
    make_publication(
        personas.editor, versions={"en": ("Early", "", "t")}, published_on=date(2026, 1, 1)
    )
    make_publication(personas.editor, versions={"fr": ("Brouillon", "", "t")}, publish=False)

    found = publications_between(start=date(2026, 1, 1), end=date(2026, 3, 31))

    # Titles in the active language (English here), else French, Dutch, English.
    assert [p.title for p in found] == ["Early", "Rapport 2025"]
    report = found[1]
    assert report.kind == "activity_report"
    assert report.titles == (("fr", "Rapport 2025"), ("nl", "Verslag 2025"))
    assert report.url == f"/publications/{report.pk}/"


def _subscriber(
    email: str, language: str, confirmed: datetime, left: datetime | None = None
) -> None:
    subscriber = Subscriber.objects.create(
        email=email,
        language=language,
        status=Subscriber.Status.CONFIRMED if left is None else Subscriber.Status.UNSUBSCRIBED,
        confirmed_at=confirmed,
        left_at=left,
        confirm_nonce="n",
        unsubscribe_token=email,
    )
    Consent.objects.create(
        subscriber=subscriber,
        event=Consent.Event.CONFIRMED,
        at=confirmed,
        form="test",
        language=language,
    )


def test_it_measures_the_newsletters_reach(db: None) -> None:
    _subscriber("a@example.org", "fr", datetime(2026, 1, 10, tzinfo=UTC))
    _subscriber("b@example.org", "fr", datetime(2026, 3, 2, tzinfo=UTC))
    _subscriber("c@example.org", "nl", datetime(2026, 3, 5, tzinfo=UTC))
    _subscriber(
        "d@example.org", "en", datetime(2025, 6, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    )
    _subscriber("e@example.org", "nl", datetime(2026, 5, 1, tzinfo=UTC))  # after the period

    reach = newsletter_reach(start=date(2026, 1, 1), end=date(2026, 3, 31))

    assert reach.subscribers == (("fr", 2), ("nl", 1), ("en", 0))
    assert reach.total == 3
    assert reach.new_by_month == (("2026-01", 1), ("2026-02", 0), ("2026-03", 2))
    assert reach.issues_sent == 0
    assert reach.mails_delivered == 0
