"""The steward's bulk path: an organisation's export with names goes through `balise encode`,
whose output (no names, situation columns unchanged) the import accepts as it is."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from balise.accounts.models import User
from balise.jobs.models import Job
from balise.linkage.spec import CURRENT
from balise.situations.models import Situation
from tests.conftest import Personas
from tests.privacy.conftest import SecretFile
from tests.situations.conftest import stored_encoding

BALISE = Path(sys.executable).with_name("balise")
ROWS = [
    # record_id, first_name, last_name, birth_date, sex, then the situation columns
    ("PV-2025-001", "Aïcha", "El Amrani", "2010-02-01", "F",
     "2025-03", "21000", "girl", "non_eu", "prostitution", "presumed"),
    ("PV-2025-002", "Jean-Pierre", "Van den Broeck", "2009", "M",
     "2025-04", "62000", "boy", "belgian", "csam", "confirmed"),
    ("PV-2025-003", "", "Tesfaye", "", "",
     "2025-05", "44000", "unknown", "non_eu", "online_sextortion", "presumed"),
]  # fmt: skip
HEADER = [
    "record_id", "first_name", "last_name", "birth_date", "sex",
    "detection_month", "arrondissement", "gender", "citizenship_group", "forms", "status",
]  # fmt: skip


def _encode(secret: SecretFile, tmp_path: Path) -> bytes:
    source, target = tmp_path / "export.csv", tmp_path / "encoded.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    subprocess.run(
        [str(BALISE), "encode", "--secret", str(secret.path), "--input", str(source),
         "--output", str(target)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return target.read_bytes()


def test_it_imports_the_output_of_balise_encode(
    personas: Personas,
    signed_in: Callable[[User], Client],
    secret_file: SecretFile,
    tmp_path: Path,
) -> None:
    encoded = _encode(secret_file, tmp_path)
    header = encoded.decode().splitlines()[0].split(",")
    assert header[:4] == ["record_id", "balise_encoding", "balise_version", "balise_key_id"]
    for name in ("Aïcha", "Amrani", "Broeck", "2010-02-01"):
        assert name not in encoded.decode()

    client = signed_in(personas.steward_a)
    client.post(
        "/situations/import/",
        {"file": SimpleUploadedFile("encoded.csv", encoded, "text/csv")},
    )
    check = Job.objects.get()
    assert check.result["ok"] is True, check.result
    response = client.post(f"/situations/import/{check.pk}/confirm/", follow=True)
    assert response.status_code == 200

    by_reference = {s.reference: s for s in Situation.objects.filter(organisation=personas.org_a)}
    assert sorted(by_reference) == [row[0] for row in ROWS]
    with (tmp_path / "encoded.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            situation = by_reference[row["record_id"]]
            assert stored_encoding(situation) == row["balise_encoding"]
            assert situation.identity_version == row["balise_version"] == str(CURRENT.version)
            assert situation.identity_key_id == secret_file.secret.key_id
            assert situation.arrondissement == row["arrondissement"]
