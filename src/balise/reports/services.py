"""Writes of finances, the team and activity reports: keyword-only, atomic, audited.

Finances belong to administrators (see docs/reports.md). A closed financial year refuses every
change of its lines until an administrator reopens it, with a reason, in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balise.accounts.models import User
from balise.audit.services import record_event
from balise.reports.finances import read_finance_file
from balise.reports.models import (
    Category,
    FinanceLine,
    FinancialYear,
    Kind,
    Subcategory,
    TeamMember,
)

EARLIEST_YEAR = 1990


class RefusedChange(ValueError):
    """A refused change (finances, team, report); the message is safe to show."""


def _check_year(year: int) -> None:
    latest = timezone.localdate().year + 1  # next year's budget
    if not EARLIEST_YEAR <= year <= latest:
        raise RefusedChange(
            _("The year must be between %(first)s and %(last)s.")
            % {"first": EARLIEST_YEAR, "last": latest}
        )


def _refuse_closed(fy: FinancialYear) -> None:
    if fy.is_closed:
        raise RefusedChange(
            _("The year %(year)s is closed: reopen it before changing its figures.")
            % {"year": fy.year}
        )


@transaction.atomic
def subcategory_create(
    *, actor: User, category: str, code: str, name_fr: str, name_nl: str, name_en: str = ""
) -> Subcategory:
    if category not in Category.values:
        raise RefusedChange(_("Unknown category."))
    if Subcategory.objects.filter(code=code).exists():
        raise RefusedChange(_("A sub-category with this code exists already."))
    sub = Subcategory.objects.create(
        category=category, code=code, name_fr=name_fr, name_nl=name_nl, name_en=name_en
    )
    record_event(
        "reports.subcategory_created",
        actor=actor,
        object_type="subcategory",
        object_id=sub.pk,
        details={"category": category, "code": code},
    )
    return sub


@transaction.atomic
def financial_year_create(*, actor: User, year: int) -> FinancialYear:
    _check_year(year)
    fy, created = FinancialYear.objects.get_or_create(year=year)
    if created:
        record_event(
            "reports.year_created",
            actor=actor,
            object_type="financial_year",
            object_id=fy.pk,
            details={"year": year},
        )
    return fy


def _locked(fy: FinancialYear) -> FinancialYear:
    return FinancialYear.objects.select_for_update().get(pk=fy.pk)


@transaction.atomic
def finance_line_add(
    *,
    actor: User,
    fy: FinancialYear,
    kind: str,
    category: str,
    amount: Decimal,
    subcategory: Subcategory | None = None,
    label: str = "",
) -> FinanceLine:
    fy = _locked(fy)
    _refuse_closed(fy)
    if kind not in Kind.values or category not in Category.values:
        raise RefusedChange(_("Unknown kind or category."))
    if subcategory is not None and subcategory.category != category:
        raise RefusedChange(_("The sub-category belongs to another category."))
    if not isinstance(amount, Decimal) or amount < 0:
        raise RefusedChange(_("An amount is a positive number of euros."))
    line = FinanceLine.objects.create(
        year=fy,
        kind=kind,
        category=category,
        subcategory=subcategory,
        label=label,
        amount=amount.quantize(Decimal("0.01")),
    )
    record_event(
        "reports.line_added",
        actor=actor,
        object_type="finance_line",
        object_id=line.pk,
        details={
            "year": fy.year,
            "kind": kind,
            "category": category,
            "subcategory": subcategory.code if subcategory else "",
            "amount": str(line.amount),
        },
    )
    return line


@transaction.atomic
def finance_line_delete(*, actor: User, line: FinanceLine) -> None:
    fy = _locked(line.year)
    _refuse_closed(fy)
    details = {
        "year": fy.year,
        "kind": line.kind,
        "category": line.category,
        "amount": str(line.amount),
    }
    pk = line.pk
    line.delete()
    record_event(
        "reports.line_deleted",
        actor=actor,
        object_type="finance_line",
        object_id=pk,
        details=details,
    )


@transaction.atomic
def finance_import(*, actor: User, fy: FinancialYear, kind: str, content: bytes) -> int:
    """Replace the year's lines of ``kind`` with the file's, all or nothing.

    Raises ``ImportRefused`` (every problem listed) or ``RefusedChange``; nothing is written then.
    """
    fy = _locked(fy)
    _refuse_closed(fy)
    if kind not in Kind.values:
        raise RefusedChange(_("Unknown kind."))
    lines = read_finance_file(content, subcategories=list(Subcategory.objects.all()))
    replaced, _by_model = FinanceLine.objects.filter(year=fy, kind=kind).delete()
    FinanceLine.objects.bulk_create(
        FinanceLine(
            year=fy,
            kind=kind,
            category=line.category,
            subcategory=line.subcategory,
            label=line.label,
            amount=line.amount,
        )
        for line in lines
    )
    record_event(
        "reports.year_imported",
        actor=actor,
        object_type="financial_year",
        object_id=fy.pk,
        details={
            "year": fy.year,
            "kind": kind,
            "lines": len(lines),
            "replaced": replaced,
            "total": str(sum((line.amount for line in lines), Decimal("0.00"))),
        },
    )
    return len(lines)


@transaction.atomic
def finance_year_close(*, actor: User, fy: FinancialYear) -> FinancialYear:
    fy = _locked(fy)
    if fy.is_closed:
        return fy
    fy.status = FinancialYear.Status.CLOSED
    fy.closed_at = timezone.now()
    fy.closed_by = actor
    fy.save(update_fields=["status", "closed_at", "closed_by"])
    record_event(
        "reports.year_closed",
        actor=actor,
        object_type="financial_year",
        object_id=fy.pk,
        details={"year": fy.year},
    )
    return fy


@transaction.atomic
def finance_year_reopen(*, actor: User, fy: FinancialYear, reason: str) -> FinancialYear:
    fy = _locked(fy)
    if not reason.strip():
        raise RefusedChange(_("Say why the year is reopened."))
    if not fy.is_closed:
        return fy
    fy.status = FinancialYear.Status.OPEN
    fy.closed_at = None
    fy.closed_by = None
    fy.save(update_fields=["status", "closed_at", "closed_by"])
    record_event(
        "reports.year_reopened",
        actor=actor,
        object_type="financial_year",
        object_id=fy.pk,
        details={"year": fy.year, "reason": reason.strip()[:500]},
    )
    return fy


# --- team ----------------------------------------------------------------------------------------

TEAM_FIELDS = (
    "name",
    "group",
    "role_fr",
    "role_nl",
    "role_en",
    "languages",
    "start_date",
    "end_date",
    "order",
)
PHOTO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
MAX_PHOTO_BYTES = 1_048_576


def photo_type_of(content: bytes) -> str:
    """The image type from the bytes (PNG or JPEG), or "" when it is neither."""
    for magic, mimetype in PHOTO_TYPES.items():
        if content.startswith(magic):
            return mimetype
    return ""


@transaction.atomic
def team_member_save(*, actor: User, member: TeamMember | None = None, **fields: Any) -> TeamMember:
    unknown = set(fields) - set(TEAM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    end: date | None = fields.get("end_date")
    start: date | None = fields.get("start_date")
    if start and end and end < start:
        raise RefusedChange(_("The end date comes before the start date."))
    created = member is None
    member = member or TeamMember()
    for name, value in fields.items():
        setattr(member, name, value)
    member.save()
    record_event(
        "reports.team_member_created" if created else "reports.team_member_updated",
        actor=actor,
        object_type="team_member",
        object_id=member.pk,
        details={"fields": sorted(fields)},
    )
    return member


@transaction.atomic
def team_member_set_photo(
    *, actor: User, member: TeamMember, content: bytes, consent: bool
) -> TeamMember:
    """Keep a photo only with the person's consent; a PNG or JPEG of at most 1 MB."""
    if not consent:
        raise RefusedChange(_("A photo is kept only with the person's consent."))
    if len(content) > MAX_PHOTO_BYTES:
        raise RefusedChange(_("The photo is larger than 1 MB."))
    mimetype = photo_type_of(content)
    if not mimetype:
        raise RefusedChange(_("The photo must be a PNG or JPEG image."))
    member.photo = content
    member.photo_type = mimetype
    member.photo_consent_at = timezone.now()
    member.save(update_fields=["photo", "photo_type", "photo_consent_at"])
    record_event(
        "reports.team_photo_set",
        actor=actor,
        object_type="team_member",
        object_id=member.pk,
        details={"bytes": len(content), "type": mimetype},
    )
    return member


@transaction.atomic
def team_member_remove_photo(*, actor: User, member: TeamMember) -> TeamMember:
    """Consent withdrawn or photo replaced: the bytes go at once."""
    member.photo = b""
    member.photo_type = ""
    member.photo_consent_at = None
    member.save(update_fields=["photo", "photo_type", "photo_consent_at"])
    record_event(
        "reports.team_photo_removed", actor=actor, object_type="team_member", object_id=member.pk
    )
    return member


def team_members_ordered(members: Sequence[TeamMember]) -> list[TeamMember]:
    return sorted(members, key=lambda m: (m.group, m.order, m.name))
