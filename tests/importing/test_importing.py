"""The import pipeline: the bad-input corpus (exact errors, nothing written) and the accepted
Belgian variants, idempotent re-import, XLSX."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from django.conf import LazySettings
from openpyxl import Workbook

from balise.audit.models import AuditEvent
from balise.core.formulas import neutralise_formula
from balise.situations.importing import (
    ImportRefused,
    decode_text,
    estimate_rows,
    issues_csv,
    sniff_delimiter,
)
from balise.situations.models import Situation
from tests.conftest import Personas
from tests.importing.conftest import corpus, problems, reasons, run
from tests.situations.conftest import stored_encoding

ENC = base64.b64encode(bytes(range(128))).decode()
KEY = "0123456789abcdef"
HEADER = (
    "record_id,balise_encoding,balise_version,balise_key_id,detection_month,arrondissement,"
    "age_years,gender,citizenship_group,unaccompanied,forms,recruitment_channels,places,status"
)


def _row(reference: str, *, gender: str = "girl", month: str = "2025-03") -> str:
    return (
        f"{reference},{ENC},1,{KEY},{month},21000,15,{gender},belgian,no,"
        "csam|prostitution,social_networks,hotel,presumed"
    )


def _csv(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def _refused(personas: Personas, name: str) -> dict[str, Any]:
    before = Situation.objects.count()
    result = run(corpus(name), personas.steward_a)
    assert result["ok"] is False
    assert Situation.objects.count() == before
    return result


# --- the bad-input corpus ---------------------------------------------------------------------


def test_it_refuses_an_empty_file(personas: Personas) -> None:
    result = _refused(personas, "empty.csv")
    assert problems(result) == [(0, "", "empty")]
    assert reasons(result) == ["The file is empty."]


def test_it_refuses_a_header_without_rows(personas: Personas) -> None:
    result = _refused(personas, "header_only.csv")
    assert problems(result) == [(1, "", "no_rows")]
    assert reasons(result) == ["The file has a header row but no situations."]


def test_it_refuses_wrong_and_missing_columns(personas: Personas) -> None:
    result = _refused(personas, "wrong_columns.csv")
    assert problems(result) == [(1, "colour", "unknown_column"), (1, "forms", "missing_column")]
    assert reasons(result) == [
        "Unknown column “colour”. See the list of accepted columns.",
        "The column “forms” is missing.",
    ]


def test_it_lists_every_unknown_code(personas: Personas) -> None:
    result = _refused(personas, "unknown_codes.csv")
    assert problems(result) == [
        (2, "gender", "unknown_code"),
        (2, "forms", "unknown_code"),
        (3, "arrondissement", "unknown_code"),
    ]
    assert [e["value"] for e in result["errors"]] == ["martian", "flying", "99999"]
    assert reasons(result)[0].startswith("martian is not a valid choice. Valid choices: ")


def test_it_lists_every_bad_date(personas: Personas) -> None:
    result = _refused(personas, "bad_dates.csv")
    assert problems(result) == [
        (2, "detection_month", "invalid"),
        (3, "detection_month", "invalid"),
        (4, "detection_month", "future"),
    ]
    assert reasons(result) == [
        "This date does not exist.",
        "This date does not exist.",
        "The detection month cannot be in the future.",
    ]


def test_it_refuses_duplicate_references_in_the_file(personas: Personas) -> None:
    result = _refused(personas, "duplicate_references.csv")
    assert problems(result) == [(4, "record_id", "duplicate_reference")]
    assert reasons(result) == ["This reference already appears on row 2."]


def test_it_refuses_utf16(personas: Personas) -> None:
    result = _refused(personas, "utf16.csv")
    assert problems(result) == [(0, "", "text_encoding")]
    assert "UTF-16" in reasons(result)[0]


def test_it_refuses_bytes_that_are_neither_utf8_nor_cp1252(personas: Personas) -> None:
    result = _refused(personas, "undecodable.csv")
    assert problems(result) == [(0, "", "text_encoding")]
    assert reasons(result) == [
        "The file is neither UTF-8 nor Windows-1252 text (line 2, byte 179 cannot be read). "
        "Save it as “CSV UTF-8”."
    ]


def test_it_refuses_too_many_rows(personas: Personas, settings: LazySettings) -> None:
    settings.BALISE_IMPORT_MAX_ROWS = 5
    result = _refused(personas, "oversize.csv")
    assert problems(result) == [(0, "", "too_many_rows")]
    assert reasons(result) == ["The file has more than 5 rows; split it into smaller files."]


def test_it_refuses_too_many_bytes(personas: Personas, settings: LazySettings) -> None:
    settings.BALISE_IMPORT_MAX_BYTES = 2 * 1_048_576
    result = run(b"x" * (2 * 1_048_576 + 1), personas.steward_a)
    assert problems(result) == [(0, "", "too_large")]
    assert reasons(result) == ["The file is 2.0 MB; the limit is 2 MB."]
    assert Situation.objects.count() == 0


def test_it_flags_formula_cells_without_evaluating_them(personas: Personas) -> None:
    result = _refused(personas, "formula.csv")
    assert problems(result) == [(3, "age_years", "formula")]
    assert result["errors"][0]["value"].startswith("=HYPERLINK(")
    assert reasons(result) == [
        "This cell holds a spreadsheet formula; formulas are never evaluated. "
        "Replace it with its value."
    ]


def test_it_refuses_name_columns_and_audits_without_values(personas: Personas) -> None:
    result = _refused(personas, "name_column.csv")
    assert problems(result) == [
        (1, "date_naissance", "identity_column"),
        (1, "first_name", "identity_column"),
        (1, "nom", "identity_column"),
    ]
    assert "balise encode" in reasons(result)[0]
    event = AuditEvent.objects.get(action="security.identity_field_refused")
    assert event.details == {
        "fields": ["date_naissance", "first_name", "nom"],
        "channel": "import",
    }
    everything = str(list(AuditEvent.objects.values_list("details", flat=True)))
    assert "Dupont" not in everything
    assert "Jean" not in everything
    assert "01/02/2010" not in everything


def test_it_refuses_an_old_xls_file(personas: Personas) -> None:
    result = run(b"\xd0\xcf\x11\xe0" + b"\x00" * 100, personas.steward_a)
    assert problems(result) == [(0, "", "xls")]


def test_it_refuses_a_damaged_xlsx(personas: Personas) -> None:
    result = run(b"PK\x03\x04 not really a zip", personas.steward_a)
    assert problems(result) == [(0, "", "xlsx")]


def test_it_never_echoes_notes_in_errors(personas: Personas) -> None:
    content = (HEADER + ",note\r\n" + _row("N1", gender="martian") + ",secret words\r\n").encode()
    result = run(content, personas.steward_a)
    assert problems(result) == [(2, "gender", "unknown_code")]
    assert "secret" not in str(result)


def test_it_reports_rows_as_a_spreadsheet_numbers_them(personas: Personas) -> None:
    # A quoted cell over two lines is still one spreadsheet row; blank lines are rows too.
    content = _csv(_row("R1"), "", _row("R2", gender='"mart\nian"'))
    result = run(content, personas.steward_a)
    assert problems(result) == [(4, "gender", "unknown_code")]


# --- accepted variants ------------------------------------------------------------------------


def test_it_accepts_semicolons_bom_french_labels_and_dd_mm_yyyy(personas: Personas) -> None:
    result = run(corpus("belgian_bom.csv"), personas.steward_a)
    assert result["ok"] is True, result["errors"]
    assert (result["text_encoding"], result["delimiter"]) == ("utf-8-sig", ";")
    assert (result["created"], result["updated"], result["unchanged"]) == (2, 0, 0)
    first = Situation.objects.get(reference="B-001")
    assert first.organisation_id == personas.org_a.pk
    assert str(first.detection_month) == "2025-03-01"
    assert first.gender == "girl"
    assert first.forms == ["prostitution", "trafficking_sexual"]
    assert first.recruitment_channels == ["loverboy", "peers"]
    assert first.places == ["hotel"]
    assert stored_encoding(first) == ENC
    assert first.identity_key_id == KEY
    second = Situation.objects.get(reference="B-002")
    assert (second.arrondissement, second.unaccompanied, second.status) == (
        "11000",
        True,
        "confirmed",
    )


def test_it_accepts_windows_1252_dutch_labels_and_mm_yyyy(personas: Personas) -> None:
    result = run(corpus("belgian_cp1252.csv"), personas.steward_a)
    assert result["ok"] is True, result["errors"]
    assert result["text_encoding"] == "cp1252"
    second = Situation.objects.get(reference="C-002")
    assert (second.status, second.citizenship_group, str(second.detection_month)) == (
        "confirmed",
        "non_eu",
        "2025-04-01",
    )


def test_it_is_idempotent(personas: Personas) -> None:
    content = _csv(_row("I1"), _row("I2"))
    first = run(content, personas.steward_a)
    assert (first["created"], first["updated"], first["unchanged"]) == (2, 0, 0)
    ids = sorted(Situation.objects.values_list("pk", flat=True))

    again = run(content, personas.steward_a)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert sorted(Situation.objects.values_list("pk", flat=True)) == ids

    changed = run(_csv(_row("I1", gender="boy"), _row("I2"), _row("I3")), personas.steward_a)
    assert (changed["created"], changed["updated"], changed["unchanged"]) == (1, 1, 1)
    assert Situation.objects.get(reference="I1").gender == "boy"
    assert Situation.objects.count() == 3
    event = AuditEvent.objects.filter(action="situation.import").last()
    assert event is not None
    counts = {key: event.details[key] for key in ("rows", "created", "updated", "unchanged")}
    assert counts == {"rows": 3, "created": 1, "updated": 1, "unchanged": 1}
    first_pk, third_pk = (Situation.objects.get(reference=r).pk for r in ("I1", "I3"))
    assert (event.details["created_ids"], event.details["updated_ids"]) == (
        [[third_pk, third_pk]],
        [[first_pk, first_pk]],
    )


def test_it_keeps_organisations_apart(personas: Personas) -> None:
    content = _csv(_row("SAME"))
    run(content, personas.steward_a)
    result = run(content, personas.steward_b)
    assert result["created"] == 1
    assert Situation.objects.filter(reference="SAME").count() == 2


def test_it_checks_without_writing(personas: Personas) -> None:
    result = run(_csv(_row("P1")), personas.steward_a, apply=False)
    assert result["ok"] is True
    assert (result["create"], result["update"], result["unchanged"]) == (1, 0, 0)
    assert result["preview"] == [{"row": 2, "reference": "P1", "action": "create"}]
    assert Situation.objects.count() == 0


def test_it_imports_xlsx_with_dates_numbers_and_formulas_as_text(personas: Personas) -> None:
    from datetime import date

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "X1",
            ENC,
            1,
            KEY,
            date(2025, 3, 15),
            21000,
            15.0,
            "Fille",
            "Belge",
            False,
            "csam",
            None,
            None,
            "presumed",
        ]
    )
    sheet.append(
        [
            "X2",
            ENC,
            1,
            KEY,
            "03/2025",
            "21000",
            16,
            "boy",
            "belgian",
            None,
            "prostitution|csam",
            "peers",
            None,
            "confirmed",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(buffer.getvalue(), personas.steward_a)
    assert result["ok"] is True, result["errors"]
    assert result["file_format"] == "xlsx"
    assert result["created"] == 2
    assert Situation.objects.get(reference="X1").age_years == 15

    sheet.append(
        [
            "X3",
            ENC,
            1,
            KEY,
            "2025-03",
            "21000",
            "=10+5",
            "boy",
            "belgian",
            None,
            "csam",
            None,
            None,
            "confirmed",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = Situation.objects.count()
    result = run(buffer.getvalue(), personas.steward_a)
    assert problems(result) == [(4, "age_years", "formula")]
    assert result["errors"][0]["value"] == "=10+5"
    assert Situation.objects.count() == before


def test_it_rolls_back_every_row_when_a_write_fails(personas: Personas) -> None:
    from balise.situations.importing import ColumnMap, PlannedRow, apply_plan, map_columns

    columns: ColumnMap = map_columns(HEADER.split(","))
    good = dict(zip(HEADER.split(","), _row("OK1").split(","), strict=True))
    data: dict[str, object] = {columns.fields[i]: v for i, v in enumerate(good.values())}
    bad: dict[str, object] = {**data, "reference": "BAD", "gender": "martian"}
    plan = [PlannedRow(2, "OK1", data, "create"), PlannedRow(3, "BAD", bad, "create")]
    assert personas.steward_a.organisation is not None
    with pytest.raises(ImportRefused) as refused:
        apply_plan(plan, actor=personas.steward_a, organisation=personas.org_a, columns=columns)
    assert [(i.row, i.column) for i in refused.value.issues] == [(3, "gender")]
    assert Situation.objects.count() == 0


def test_it_refuses_a_recorder(personas: Personas) -> None:
    from balise.jobs.services import JobError

    with pytest.raises(JobError):
        run(_csv(_row("R1")), personas.recorder_a)


# --- helpers ------------------------------------------------------------------------------------


def test_it_sniffs_the_delimiter() -> None:
    assert sniff_delimiter("a;b;c") == ";"
    assert sniff_delimiter('"a;b",c,d') == ","
    assert sniff_delimiter("a\tb") == "\t"
    assert sniff_delimiter("single") == ","


def test_it_decodes_utf8_bom_and_cp1252() -> None:
    assert decode_text("\ufeffé".encode()) == ("é", "utf-8-sig")
    assert decode_text("é".encode()) == ("é", "utf-8")
    assert decode_text("é".encode("cp1252")) == ("é", "cp1252")


def test_it_neutralises_formulas_in_the_error_csv() -> None:
    assert neutralise_formula("=1+1") == "'=1+1"
    assert neutralise_formula("@SUM") == "'@SUM"
    assert neutralise_formula("plain") == "plain"
    text = issues_csv([{"row": 3, "column": "age", "value": "=HYPERLINK()", "reason": "x"}])
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK()" in text


def test_it_reads_a_label_with_a_comma_as_one_value(personas: Personas) -> None:
    row = _row("L1").replace(",hotel,", ',"Bar, café, discothèque",')
    result = run(_csv(row), personas.steward_a)
    assert result["ok"] is True, result["errors"]
    assert Situation.objects.get(reference="L1").places == ["bar_club"]


def test_it_refuses_a_nul_byte_anywhere(personas: Personas) -> None:
    content = _csv(*[_row(f"Z{n}") for n in range(100)]).replace(b"Z99", b"Z9\x00")
    result = run(content, personas.steward_a)
    assert problems(result) == [(0, "", "text_encoding")]


def test_it_ignores_empty_trailing_columns_of_excel_exports(personas: Personas) -> None:
    content = (HEADER + ",,\r\n" + _row("T1") + ",,\r\n").encode()
    result = run(content, personas.steward_a)
    assert result["ok"] is True, result["errors"]
    assert result["created"] == 1


def test_it_refuses_a_blank_column_name_in_the_middle(personas: Personas) -> None:
    content = (HEADER.replace(",gender,", ",,") + "\r\n" + _row("T1") + "\r\n").encode()
    result = run(content, personas.steward_a)
    assert (1, "", "blank_column") in problems(result)
    assert (1, "gender", "missing_column") in problems(result)


def test_it_checks_with_a_constant_number_of_queries(personas: Personas) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert run(_csv(_row("F0")), personas.steward_a, apply=False)["ok"] is True
    rows = [_row(f"F{number}") for number in range(300)]
    with CaptureQueriesContext(connection) as many:
        assert run(_csv(*rows), personas.steward_a, apply=False)["ok"] is True
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_it_estimates_rows_whatever_the_line_endings(newline: bytes) -> None:
    content = newline.join([HEADER.encode(), *(_row(f"R{i}").encode() for i in range(50))])
    assert estimate_rows(content + newline) == 51  # header + rows: never fewer than the rows


def test_it_reads_a_csv_with_cr_line_endings(personas: Personas) -> None:
    content = _csv(_row("R1"), _row("R2")).replace(b"\r\n", b"\r")
    result = run(content, personas.steward_a)
    assert result["ok"] is True, result
    assert Situation.objects.count() == 2
