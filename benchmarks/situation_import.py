"""Bulk import of situations: rows per second to check, to write, and to re-import unchanged.

    .venv/bin/python benchmarks/situation_import.py [--rows 10000]
    scripts/with_postgres.py -- .venv/bin/python benchmarks/situation_import.py   # on PostgreSQL

Migrates a fresh database (a temporary SQLite file unless DATABASE_URL is set), makes one
organisation and one steward, writes a CSV of N synthetic rows shaped like `balise encode` output
plus situation columns (`;`, BOM, DD/MM/YYYY dates, French labels and codes mixed), and runs the
import as the application does: check (read, map, validate, plan), then apply (check again and
write every row in one transaction through ``situations_import_apply``: bulk inserts and updates,
one audit event), then the same file again (every row unchanged). Baselines in the same process:
reading the CSV alone, validating every row alone with ``validate_situation_data``, and the former
write path (the same check, then one ``situation_create`` and one audit event per row, into a
second organisation); its time over the bulk apply is the bulk path's speed-up.
"""

from __future__ import annotations

import argparse
import base64
import random
import time
from collections.abc import Callable

from _django import setup

FORMS = [
    "csam",
    "prostitution",
    "Exploitation sexuelle en ligne et sextorsion",
    "trafficking_sexual",
]
GENDERS = ["girl", "boy", "Fille", "Garçon", "unknown"]
ARRONDISSEMENTS = ["21000", "11000", "Liège", "44000", "Charleroi"]


def make_csv(rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    header = (
        "record_id;balise_encoding;balise_version;balise_key_id;mois_detection;arrondissement;"
        "age;genre;nationalite;mena;formes;recrutement;lieux;statut"
    )
    lines = [header]
    for number in range(rows):
        encoding = base64.b64encode(rng.randbytes(128)).decode()
        forms = "|".join(rng.sample(FORMS, rng.randint(1, 2)))
        lines.append(
            f"R-{number:06d};{encoding};1;0123456789abcdef;{rng.randint(1, 28):02d}/"
            f"{rng.randint(1, 12):02d}/{rng.randint(2019, 2025)};{rng.choice(ARRONDISSEMENTS)};"
            f"{rng.randint(6, 17)};{rng.choice(GENDERS)};non_eu;non;{forms};social_networks|peers;"
            "hotel;presumed"
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--no-per-row", action="store_true", help="skip the per-row baseline (slow: ~1 min)"
    )
    args = parser.parse_args()

    setup("balise-bench-")
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import translation

    from balise.accounts.models import Organisation, OrgRole, Region, Sector, User
    from balise.situations.importing import check_rows, map_columns, read_table, run_import
    from balise.situations.models import Situation
    from balise.situations.services import situation_create
    from balise.situations.validation import validate_situation_data

    call_command("migrate", verbosity=0)
    if Situation.objects.exists():
        raise SystemExit("the database already holds situations; use an empty one")
    organisation = Organisation.objects.create(
        name="Bench", sector=Sector.POLICE, region=Region.BRUSSELS
    )
    steward = User.objects.create_user(
        "bench@example.org", None, organisation=organisation, org_role=OrgRole.STEWARD
    )
    content = make_csv(args.rows, args.seed)
    print(f"{connection.vendor}, {args.rows} rows, {len(content) / 1_048_576:.1f} MB")

    def timed(label: str, work: Callable[[], object]) -> float:
        # CPU time next to wall time: on a shared machine the wall clock also counts waiting.
        started, cpu_started = time.perf_counter(), time.process_time()
        result = work()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        print(
            f"{label:<36} {seconds:7.2f} s {args.rows / seconds:8.0f} rows/s"
            f"   (CPU {cpu:6.2f} s, {args.rows / cpu:8.0f} rows/s)"
        )
        if isinstance(result, dict) and not result.get("ok", True):
            raise SystemExit(f"import refused: {result['errors'][:3]}")
        return seconds

    with translation.override("fr"):
        read = timed("baseline: read the CSV", lambda: read_table(content))
        table = read_table(content)
        columns = map_columns(table.header)

        def validate_only() -> None:
            for _number, cells in table.rows:
                data = {name: cells[index] for index, name in columns.fields.items()}
                validate_situation_data(data, accept_labels=True)

        validate = timed("baseline: validate every row", validate_only)
        check = timed(
            "import: check (preview)",
            lambda: run_import(content, actor=steward, organisation=organisation, apply=False),
        )
        apply = timed(
            "import: apply (one transaction)",
            lambda: run_import(content, actor=steward, organisation=organisation, apply=True),
        )
        again = timed(
            "import: same file again (unchanged)",
            lambda: run_import(content, actor=steward, organisation=organisation, apply=True),
        )
        per_row = None
        if not args.no_per_row:
            # The write path before situations_import_apply: the same check, then one service
            # call (one save, one chained audit event) per row, into a second organisation.
            other = Organisation.objects.create(
                name="Bench per row", sector=Sector.POLICE, region=Region.BRUSSELS
            )
            other_steward = User.objects.create_user(
                "bench.per-row@example.org", None, organisation=other, org_role=OrgRole.STEWARD
            )

            def per_row_import() -> None:
                table = read_table(content)
                columns = map_columns(table.header, actor=other_steward)
                checked = check_rows(table, columns, actor=other_steward)
                with transaction.atomic():
                    for planned in checked.plan:
                        situation_create(
                            actor=other_steward,
                            organisation=other,
                            data=planned.data,
                            channel="import",
                            accept_labels=True,
                        )

            per_row = timed("baseline: apply, per-row services", per_row_import)
    assert Situation.objects.filter(organisation=organisation).count() == args.rows
    print(f"check / (read + validate):           {check / (read + validate):.2f}x")
    print(f"apply / check:                       {apply / check:.2f}x")
    print(f"unchanged re-import / check:         {again / check:.2f}x")
    if per_row is not None:
        print(f"apply: per-row services / bulk:      {per_row / apply:.2f}x faster")


if __name__ == "__main__":
    main()
