"""Migrations 0002-0004 encrypt the encodings already stored, in batches, and the reverse
decrypts them back; the schema ends with no plain encoding column."""

from __future__ import annotations

import base64
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

from balise.accounts.models import Organisation, OrgRole, Region, Sector, User
from balise.linkage.spec import CURRENT
from balise.situations.encodings import open_sealed

BEFORE = [("situations", "0001_initial")]
AFTER = [("situations", "0004_drop_plain_identity_encoding")]
MIGRATION = importlib.import_module("balise.situations.migrations.0003_encrypt_identity_encodings")


def _encoding(seed: int) -> str:
    return base64.b64encode(
        bytes((seed * 7 + i) % 256 for i in range(CURRENT.total_bytes))
    ).decode()


def _migrate(targets: list[tuple[str, str]]) -> StateApps:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    apps: StateApps = executor.loader.project_state(targets).apps
    return apps


@pytest.fixture
def migrating(transactional_db: None) -> Iterator[None]:
    """Schema changes need a real transaction; afterwards every migration is applied again."""
    yield
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _situation(apps: StateApps, user: User, reference: str, **identity: Any) -> Any:
    model = apps.get_model("situations", "Situation")
    return model.objects.create(
        organisation_id=user.organisation_id,
        recorded_by_id=user.pk,
        reference=reference,
        detection_month="2025-03-01",
        arrondissement="21000",
        gender="girl",
        citizenship_group="non_eu",
        forms=["prostitution"],
        status="presumed",
        dictionary_version="1",
        **identity,
    )


def test_it_encrypts_existing_encodings_in_batches_and_decrypts_them_back(
    migrating: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = Organisation.objects.create(name="Org", sector=Sector.POLICE, region=Region.BRUSSELS)
    user = User.objects.create_user(
        "r@example.org", "pw-123456789", organisation=org, org_role=OrgRole.RECORDER
    )
    apps = _migrate(BEFORE)
    version = str(CURRENT.version)
    plain = {f"R-{n}": _encoding(n) for n in range(5)}
    for reference, encoding in plain.items():
        _situation(
            apps,
            user,
            reference,
            identity_encoding=encoding,
            identity_version=version,
            identity_key_id="0123456789abcdef",
        )
    _situation(apps, user, "NONE")
    monkeypatch.setattr(MIGRATION, "BATCH", 2)  # 5 encodings: three batches

    apps = _migrate(AFTER)
    model = apps.get_model("situations", "Situation")
    columns = {f.name for f in model._meta.get_fields()}
    assert "identity_encoding" not in columns
    rows = {
        row[0]: row[1:]
        for row in model.objects.values_list(
            "reference", "identity_ciphertext", "identity_digest", "identity_version"
        )
    }
    assert rows["NONE"] == (None, None, "")
    for reference, encoding in plain.items():
        blob, digest, stored_version = rows[reference]
        assert digest is not None
        assert stored_version == version
        assert base64.b64decode(encoding) not in bytes(blob)
        raw = open_sealed(
            bytes(blob), organisation_id=org.pk, version=version, key_id="0123456789abcdef"
        )
        assert base64.b64encode(raw).decode() == encoding

    apps = _migrate(BEFORE)
    model = apps.get_model("situations", "Situation")
    back = dict(model.objects.values_list("reference", "identity_encoding"))
    assert back == {**plain, "NONE": ""}
