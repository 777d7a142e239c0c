"""Synthetic situations for the demo network (``balise demo --situations N --seed S``).

Children come from ``balise.linkage.synthetic`` (Belgian multi-sector identities with typos,
transliterations, swapped names, estimated birth dates, twins and namesakes); each child is met by
one to four organisations of different sectors, and each register damages the identity in its own
way before the real encoder encodes it under the demo network secret. The secret lives in
``var/demo-network-secret`` (0600), never in the database. Every row goes through
``validate_situation_data``, as a form or an import would, then is written in bulk.
"""

from __future__ import annotations

import dataclasses
import os
import random
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from balise.accounts.models import Organisation, OrgRole, User
from balise.audit.services import record_event
from balise.situations.models import Situation
from balise.situations.services import build_situation
from balise.situations.validation import validate_situation_data

SECRET_NAME = "demo-network-secret"  # noqa: S105 - a file name, not a password
SITUATIONS_PER_CHILD = 1.9  # about how many organisations meet one child
REFERENCE_PREFIX = "DEMO-"

# How the synthetic generator's registers map onto Balise sectors (for its damage profiles).
REGISTER_OF_SECTOR = {
    "police": "police",
    "justice": "police",
    "youth_aid": "youth_aid",
    "association": "ngo",
    "health": "hospital",
    "school": "school",
    "reception": "reception_centre",
    "other": "ngo",
}
AGE_WEIGHTS = {
    9: 1,
    10: 1,
    11: 2,
    12: 5,
    13: 8,
    14: 13,
    15: 17,
    16: 19,
    17: 15,
}
# Forms by sector: what each kind of organisation mostly meets (weights).
FORM_WEIGHTS: dict[str, dict[str, int]] = {
    "default": {
        "prostitution": 30,
        "online_sextortion": 25,
        "csam": 10,
        "trafficking_sexual": 12,
        "travel_tourism": 2,
        "forced_marriage": 5,
        "other": 6,
    },
    "reception": {
        "prostitution": 25,
        "trafficking_sexual": 30,
        "forced_marriage": 12,
        "online_sextortion": 8,
        "other": 10,
        "csam": 3,
        "travel_tourism": 2,
    },
    "health": {
        "prostitution": 35,
        "online_sextortion": 15,
        "trafficking_sexual": 15,
        "csam": 8,
        "forced_marriage": 6,
        "other": 6,
        "travel_tourism": 2,
    },
}
CHANNELS = {
    "social_networks": 35,
    "loverboy": 25,
    "peers": 15,
    "family": 8,
    "online_ads": 7,
    "other": 4,
}
PLACES = {
    "private_rental": 25,
    "hotel": 15,
    "private_home": 18,
    "bar_club": 6,
    "institution": 8,
    "street": 10,
    "vehicle": 5,
    "school_surroundings": 4,
    "online_only": 12,
    "abroad": 3,
}
ARRONDISSEMENTS_BY_REGION = {
    "04000": {"21000": 80, "23000": 8, "25000": 4, "52000": 3, "24000": 5},
    "03000": {
        "62000": 22,
        "52000": 20,
        "92000": 14,
        "53000": 10,
        "57000": 6,
        "63000": 5,
        "91000": 3,
        "25000": 5,
        "58000": 5,
        "81000": 2,
        "61000": 3,
        "21000": 5,
    },
    "02000": {
        "11000": 45,
        "44000": 15,
        "12000": 8,
        "24000": 7,
        "71000": 6,
        "31000": 5,
        "13000": 5,
        "21000": 9,
    },
}


def secret_path() -> Path:
    return Path(settings.VAR_DIR) / SECRET_NAME


def demo_secret() -> Any:
    """The demo network secret, created once (0600) and kept outside the database."""
    from balise.linkage.secret import loads_secret, new_secret

    path = secret_path()
    if path.exists():
        return loads_secret(path.read_text(encoding="utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = new_secret()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret.dumps())
    return secret


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _some(rng: random.Random, weights: dict[str, int], low: int, high: int) -> list[str]:
    count = rng.randint(low, high)
    chosen: list[str] = []
    for _ in range(count * 3):
        code = _pick(rng, weights)
        if code not in chosen:
            chosen.append(code)
        if len(chosen) == count:
            break
    return chosen


def _month_back(anchor: date, months: int) -> date:
    index = anchor.year * 12 + anchor.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


@dataclasses.dataclass(frozen=True)
class _Profile:
    """What stays true of a child whoever meets them."""

    gender: str
    citizenship: str
    unaccompanied: bool
    region: str
    forms: dict[str, int]
    signs: list[str]
    vulnerabilities: list[str]


def _profile(rng: random.Random, child: Any, weights: dict[str, dict[str, int]]) -> _Profile:
    from balise.taxonomy.loader import vocabulary

    gender = {"M": "boy", "F": "girl"}[child.sex]
    roll = rng.random()
    if roll < 0.02:
        gender = "other"
    elif roll < 0.04:
        gender = "unknown"
    unaccompanied = bool(child.estimated_date)
    if child.origin == "belgian":
        citizenship = "belgian" if rng.random() < 0.93 else "other_eu"
    elif child.origin == "romanian":
        citizenship = "other_eu"
    elif unaccompanied:
        citizenship = "non_eu"
    else:
        citizenship = rng.choices(("belgian", "non_eu", "other_eu"), (45, 50, 5))[0]
    if rng.random() < 0.04:
        citizenship = "unknown"
    signs = [e.code for e in vocabulary("signs") if not e.retired]
    vulnerabilities = [e.code for e in vocabulary("vulnerabilities") if not e.retired]
    sign_weights = {code: 1 + (len(signs) - i) % 7 for i, code in enumerate(signs)}
    chosen_vulnerabilities = _some(
        rng, {code: 1 + (i * 5) % 6 for i, code in enumerate(vulnerabilities)}, 0, 4
    )
    if unaccompanied and "unaccompanied_or_insecure_status" not in chosen_vulnerabilities:
        chosen_vulnerabilities.append("unaccompanied_or_insecure_status")
    return _Profile(
        gender=gender,
        citizenship=citizenship,
        unaccompanied=unaccompanied,
        region=rng.choices(("04000", "03000", "02000"), (40, 40, 20))[0],
        forms=weights["default"],
        signs=_some(rng, sign_weights, 1, 6),
        vulnerabilities=chosen_vulnerabilities,
    )


def generate(
    n: int, seed: int, organisations: Sequence[Organisation], today: date
) -> list[tuple[Organisation, dict[str, Any]]]:
    """``n`` (organisation, situation data) pairs, identity fields included, for ``seed``."""
    from balise.linkage.synthetic import make_children, make_record

    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    by_sector: dict[str, list[Organisation]] = {}
    for organisation in organisations:
        by_sector.setdefault(organisation.sector, []).append(organisation)
    sectors = sorted(by_sector)
    n_children = max(1, round(n / SITUATIONS_PER_CHILD))
    children = make_children(n_children + 10, seed=seed)
    latest = today.replace(day=1)
    out: list[tuple[Organisation, dict[str, Any]]] = []
    child_index = 0
    while len(out) < n:
        child = children[child_index % len(children)]
        child_index += 1
        profile = _profile(rng, child, FORM_WEIGHTS)
        first_month = _month_back(latest, rng.randint(0, 33))
        age = rng.choices(list(AGE_WEIGHTS), list(AGE_WEIGHTS.values()))[0]
        birth = date(
            first_month.year - age, int(child.birth_date[5:7]), int(child.birth_date[8:10])
        )
        estimated = (
            f"{birth.year + rng.choice((-1, 0, 0, 1)):04d}-01-01" if child.estimated_date else ""
        )
        child = dataclasses.replace(child, birth_date=birth.isoformat(), estimated_date=estimated)
        count = rng.choices((1, 2, 3, 4), (48, 32, 14, 6))[0]
        met = rng.sample(sectors, min(count, len(sectors)))
        main_forms = _some(rng, FORM_WEIGHTS.get(met[0], profile.forms), 1, 2)
        for position, sector in enumerate(met):
            if len(out) >= n:
                break
            organisation = rng.choice(by_sector[sector])
            month = min(latest, _month_back(first_month, -rng.randint(0, 6) * (position > 0)))
            years = month.year - birth.year - ((month.month, 1) < (birth.month, birth.day))
            record = make_record(rng, child, REGISTER_OF_SECTOR.get(sector, "ngo"), "")
            forms = list(main_forms)
            if rng.random() < 0.2:
                extra = _pick(rng, FORM_WEIGHTS.get(sector, profile.forms))
                if extra not in forms:
                    forms.append(extra)
            region = organisation.region if rng.random() < 0.85 else profile.region
            data: dict[str, Any] = {
                "detection_month": month,
                "arrondissement": _pick(rng, ARRONDISSEMENTS_BY_REGION[region]),
                "age_years": max(0, min(17, years)) if rng.random() > 0.03 else None,
                "gender": profile.gender,
                "citizenship_group": profile.citizenship,
                "unaccompanied": profile.unaccompanied,
                "forms": forms,
                "recruitment_channels": _some(rng, CHANNELS, 1, 2)
                if rng.random() > 0.15
                else ["unknown"],
                "places": _some(rng, PLACES, 1, 2),
                "vulnerabilities": [v for v in profile.vulnerabilities if rng.random() < 0.8],
                "signs": [s for s in profile.signs if rng.random() < 0.75],
                "actions": ["listened_informed", "report_police"]
                if sector != "police"
                else ["complaint_filed"],
                "status": "confirmed" if sector in ("police", "justice") else "presumed",
                "_identity": (record.first_name, record.last_name, record.birth_date, record.sex),
            }
            out.append((organisation, data))
    return out


def demo_situation_count() -> int:
    """How many synthetic situations the demo network holds already."""
    return Situation.objects.filter(reference__startswith=REFERENCE_PREFIX).count()


def add_demo_situations(n: int, seed: int, *, say: Callable[[int, int], None] | None = None) -> int:
    """Record ``n`` synthetic situations across the demo network's organisations."""
    from balise.linkage.encode import Encoder

    organisations = list(Organisation.objects.filter(is_active=True).order_by("pk"))
    if not organisations:
        raise ValueError("the demo network has no organisation yet")
    recorders: dict[int, User] = {}
    for organisation in organisations:
        recorder = (
            User.objects.filter(
                organisation=organisation,
                is_active=True,
                org_role__in=[OrgRole.RECORDER, OrgRole.STEWARD],
            )
            .order_by("pk")
            .first()
        )
        if recorder is not None:
            recorders[organisation.pk] = recorder
    organisations = [o for o in organisations if o.pk in recorders]
    if not organisations:
        raise ValueError("no demo organisation has a recorder")
    encoder = Encoder(demo_secret())
    offset = demo_situation_count()
    now = timezone.now()
    batch: list[Situation] = []
    written = 0
    for index, (organisation, data) in enumerate(
        generate(n, seed, organisations, timezone.localdate())
    ):
        first, last, birth, sex = data.pop("_identity")
        columns = encoder.columns(first, last, birth, sex)
        data["identity_encoding"] = columns["balise_encoding"]
        data["identity_version"] = columns["balise_version"]
        data["identity_key_id"] = columns["balise_key_id"]
        data["reference"] = f"{REFERENCE_PREFIX}{offset + index + 1:07d}"
        cleaned = validate_situation_data(data)
        batch.append(
            build_situation(
                cleaned,
                organisation=organisation,
                recorded_by=recorders[organisation.pk],
                created_at=now,
                updated_at=now,
            )
        )
        if len(batch) >= 2000:
            written += _flush(batch)
            if say:
                say(written, n)
    written += _flush(batch)
    if say:
        say(written, n)
    record_event(
        "demo.situations_added",
        object_type="situation",
        details={"count": written, "seed": seed, "channel": "demo"},
    )
    return written


def _flush(batch: list[Situation]) -> int:
    with transaction.atomic():
        Situation.objects.bulk_create(batch)
    count = len(batch)
    batch.clear()
    return count
