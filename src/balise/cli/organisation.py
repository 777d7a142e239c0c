"""Organisation-side commands: `balise secret new`, `balise encode`, `balise dedupe`.

They run without Django, a database or a network. Bad input stops them with a message naming the
file, line, record and field (every refused row at once), exit status 2, and no output file
(output goes to a temporary file in the same folder, renamed into place only at the end).
"""

from __future__ import annotations

import argparse
import binascii
import csv
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from balise.linkage.normalise import InvalidField
from balise.linkage.secret import NetworkSecret, SecretError, loads_secret, new_secret
from balise.linkage.spec import (
    COLUMN_ENCODING,
    COLUMN_KEY_ID,
    COLUMN_VERSION,
    ENCODING_COLUMNS,
    SPECS,
)

EXIT_BAD_INPUT = 2
IDENTITY_COLUMNS = ("record_id", "first_name", "last_name", "birth_date", "sex")
PROGRESS_MIN_BYTES = 2_000_000


class BadInput(Exception):
    """Stops a command with exit status 2; the message is shown as is."""


class Progress:
    """A progress bar on stderr, shown only for large inputs."""

    def __init__(self, label: str, total: int, enabled: bool) -> None:
        self.label = label
        self.total = max(total, 1)
        self.enabled = enabled
        self._last = 0.0

    def update(self, done: int, note: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self._last < 0.25):
            return
        self._last = now
        share = min(done / self.total, 1.0)
        bar = "#" * int(share * 30)
        sys.stderr.write(f"\r{self.label} [{bar:<30}] {share:4.0%} {note}")
        sys.stderr.flush()

    def done(self, note: str = "") -> None:
        if self.enabled:
            self.update(self.total, note, force=True)
            sys.stderr.write("\n")


@contextmanager
def atomic_output(path: Path, mode: int = 0o644) -> Iterator[IO[str]]:
    """Write to a temporary file beside `path`; rename it into place only on success."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise BadInput(f"{path}: the folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _counted_lines(stream: IO[str], counter: list[int]) -> Iterator[str]:
    for line in stream:
        counter[0] += len(line)
        yield line


@contextmanager
def _open_csv(path: Path) -> Iterator[tuple[Any, int]]:
    try:
        size = path.stat().st_size
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise BadInput(f"{path}: cannot be read ({error.strerror})") from None
    with stream:
        yield stream, size


def _read_header(path: Path, reader: Any) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise BadInput(f"{path}: the file is empty (no header line)") from None
    except (csv.Error, UnicodeDecodeError) as error:
        raise BadInput(f"{path}: line 1: not a readable UTF-8 CSV header ({error})") from None
    header = [name.strip() for name in header]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise BadInput(f"{path}: line 1: the column {name!r} appears more than once")
        seen.add(name)
    return header


# --- secret -------------------------------------------------------------------------------


def cmd_secret_new(args: argparse.Namespace) -> int:
    output = Path(args.output)
    if output.exists() and not args.force:
        raise BadInput(f"{output}: already exists; refusing to overwrite it (use --force)")
    secret = new_secret()
    with atomic_output(output, mode=0o600) as stream:
        stream.write(secret.dumps())
    os.chmod(output, 0o600)
    print(f"new network secret written to {output} (key id {secret.key_id})", file=sys.stderr)
    return 0


def load_secret_file(path: Path) -> NetworkSecret:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise BadInput(f"secret {path}: cannot be read ({reason})") from None
    try:
        return loads_secret(text)
    except SecretError as error:
        raise BadInput(f"secret {path}: {error}") from None


# --- encode -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """One refused value of one row: where it is, what it holds and why it cannot be encoded."""

    line: int
    record_id: str
    field: str
    value: str
    why: str

    def __str__(self) -> str:
        record = f" (record {self.record_id})" if self.record_id else ""
        value = f" {self.value!r}" if self.value else ""
        field = f" field {self.field}{value}:" if self.field else ""
        return f"line {self.line}{record}:{field} {self.why}"


class RefusedRows(BadInput):
    """Every refused row of the input(s) at once; nothing is written."""

    def __init__(self, refusals: list[tuple[Path, Refusal]], hint: str = "") -> None:
        files = list(dict.fromkeys(path for path, _ in refusals))
        rows = len({(path, refusal.line) for path, refusal in refusals})
        where = f"{files[0]}: " if len(files) == 1 else ""
        lines = [
            f"{where}{rows} row{'s' if rows != 1 else ''} refused, nothing written:",
            *(f"  {refusal}" if where else f"  {path}: {refusal}" for path, refusal in refusals),
        ]
        if hint:
            lines.append(hint)
        super().__init__("\n".join(lines))


DAMAGED_DATES = ("refuse", "keep-plausible")
FUTURE_DATE = "the date lies in the future (after today)"
DAMAGED_DATE_HINT = (
    "{count} of them hold a birth date that cannot exist or lies after today: "
    "`--damaged-dates keep-plausible` encodes such dates keeping their plausible parts"
)


def _field_refusals(
    version: int, fields: dict[str, str], today: dt.date, keep_plausible: bool
) -> tuple[list[tuple[str, str]], bool]:
    """(field, why) of every refused value of one row, and whether its birth date is damaged
    (in a §5.1 form but impossible or after today: keep-plausible would encode it).

    The slow path, only for rows that failed.
    """
    from balise.linkage.normalise import parse_birth_date, parse_sex, plausible_parts

    found = []
    damaged = False
    text = fields["birth_date"]
    try:
        if keep_plausible:
            plausible_parts(text, today=today, version=version)
        elif parse_birth_date(text, version=version).is_after(today):
            raise InvalidField("birth_date", FUTURE_DATE)
    except InvalidField as error:
        found.append((error.field, error.reason))
        if not keep_plausible:
            try:
                plausible_parts(text, today=today, version=version)
                damaged = True
            except InvalidField:
                pass
    try:
        parse_sex(fields["sex"])
    except InvalidField as error:
        found.append((error.field, error.reason))
    return found, damaged


def cmd_encode(args: argparse.Namespace) -> int:
    from balise.linkage.encode import Encoder
    from balise.linkage.normalise import BirthDate, DatePart, plausible_parts

    secret = load_secret_file(Path(args.secret))
    source, output = Path(args.input), Path(args.output)
    encoder = Encoder(secret)
    keep_plausible = args.damaged_dates == "keep-plausible"
    today_date = dt.datetime.now(tz=dt.UTC).date()
    today = today_date.isoformat()
    version = encoder.spec.version
    kept_dates: dict[str, tuple[BirthDate, DatePart | None]] = {}
    kept_counts: Counter[DatePart] = Counter()
    refusals: list[Refusal] = []
    damaged_dates = 0
    with _open_csv(source) as (stream, size):
        counter = [0]
        reader = csv.reader(_counted_lines(stream, counter))
        header = _read_header(source, reader)
        missing = [name for name in IDENTITY_COLUMNS if name not in header]
        if missing:
            raise BadInput(
                f"{source}: line 1: required column(s) missing: {', '.join(missing)} "
                f"(expected {','.join(IDENTITY_COLUMNS)} and any other columns)"
            )
        clashing = [name for name in ENCODING_COLUMNS if name in header]
        if clashing:
            raise BadInput(f"{source}: line 1: column {clashing[0]!r} is reserved for the output")
        index = {name: header.index(name) for name in IDENTITY_COLUMNS}
        others = [i for i, name in enumerate(header) if name not in IDENTITY_COLUMNS]
        progress = Progress("encode", size, size >= PROGRESS_MIN_BYTES)
        seen: set[str] = set()
        rows = 0
        with atomic_output(output) as sink:
            writer = csv.writer(sink, lineterminator="\n")
            writer.writerow(["record_id", *ENCODING_COLUMNS, *(header[i] for i in others)])
            try:
                for row in reader:
                    if not row:
                        continue
                    line = reader.line_num
                    rows += 1
                    if rows % 4096 == 0:
                        progress.update(counter[0], f"{rows} records")
                    if len(row) != len(header):
                        why = f"{len(row)} fields, the header has {len(header)}"
                        refusals.append(Refusal(line, "", "", "", why))
                        continue
                    record_id = row[index["record_id"]].strip()
                    if not record_id:
                        refusals.append(Refusal(line, "", "record_id", "", "the field is empty"))
                    elif record_id in seen:
                        why = "appears twice"
                        refusals.append(Refusal(line, record_id, "record_id", record_id, why))
                    seen.add(record_id)
                    birth_text, sex = row[index["birth_date"]], row[index["sex"]]
                    birth_date: str | BirthDate = birth_text
                    part: DatePart | None = None
                    try:
                        if keep_plausible:
                            kept = kept_dates.get(birth_text)
                            if kept is None:
                                kept = plausible_parts(
                                    birth_text, today=today_date, version=version
                                )
                                kept_dates[birth_text] = kept
                            birth_date, part = kept
                        encoding = encoder.encode(
                            row[index["first_name"]], row[index["last_name"]], birth_date, sex
                        )
                        if not keep_plausible and birth_text.strip(" \t\r\n")[:10] > today:
                            raise InvalidField("birth_date", FUTURE_DATE)
                    except InvalidField:
                        fields = {"birth_date": birth_text, "sex": sex}
                        found, damaged = _field_refusals(
                            version, fields, today_date, keep_plausible
                        )
                        refusals += [Refusal(line, record_id, f, fields[f], w) for f, w in found]
                        damaged_dates += damaged
                        continue
                    if refusals:
                        continue  # nothing will be written: only look for further refusals
                    if part is not None:
                        kept_counts[part] += 1
                    writer.writerow(
                        [record_id, encoding, encoder.version, encoder.key_id]
                        + [row[i] for i in others]
                    )
            except (csv.Error, UnicodeDecodeError) as error:
                why = f"unreadable CSV ({error})"
                refusals.append(Refusal(reader.line_num + 1, "", "", "", why))
            if refusals:
                hint = DAMAGED_DATE_HINT.format(count=damaged_dates) if damaged_dates else ""
                raise RefusedRows([(source, refusal) for refusal in refusals], hint)
            if rows == 0:
                raise BadInput(f"{source}: no records after the header line")
        progress.done(f"{rows} records")
    print(f"encoded {rows} records into {output} (key id {encoder.key_id})", file=sys.stderr)
    if keep_plausible:
        partly = sum(kept_counts.values())
        print(
            f"{partly} birth date(s) kept partially (--damaged-dates keep-plausible)",
            file=sys.stderr,
        )
        for kind in DatePart:
            if kept_counts[kind]:
                print(f"  {kept_counts[kind]} kept {kind.value}", file=sys.stderr)
    return 0


# --- dedupe -------------------------------------------------------------------------------


class _EncodedFiles:
    """All records of the dedupe inputs: ids, file of origin and the encodings as words."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.file_of: list[int] = []
        self.files: list[Path] = []
        self.chunks: list[bytes] = []
        self.version: str | None = None
        self.key_id: str | None = None
        self.origin = ""
        self.refusals: list[tuple[Path, Refusal]] = []

    def refuse(self, path: Path, refusal: Refusal) -> None:
        self.refusals.append((path, refusal))

    def read(self, path: Path, progress: Progress, done_before: int) -> int:
        file_number = len(self.files)
        self.files.append(path)
        buffer = bytearray()
        seen: set[str] = set()
        size_bytes = 0
        with _open_csv(path) as (stream, size):
            size_bytes = size
            counter = [0]
            reader = csv.reader(_counted_lines(stream, counter))
            header = _read_header(path, reader)
            needed = ("record_id", *ENCODING_COLUMNS)
            missing = [name for name in needed if name not in header]
            if missing:
                raise BadInput(
                    f"{path}: line 1: column(s) missing: {', '.join(missing)} "
                    "(is this the output of `balise encode`?)"
                )
            at = {name: header.index(name) for name in needed}
            expected_bytes = SPECS[int(self.version)].total_bytes if self.version else 0
            try:
                for row in reader:
                    if not row:
                        continue
                    line = reader.line_num
                    if len(row) != len(header):
                        why = f"{len(row)} fields, the header has {len(header)}"
                        self.refuse(path, Refusal(line, "", "", "", why))
                        continue
                    record_id = row[at["record_id"]].strip()
                    if not record_id:
                        self.refuse(path, Refusal(line, "", "record_id", "", "the field is empty"))
                        continue
                    if record_id in seen:
                        why = "appears twice"
                        self.refuse(path, Refusal(line, record_id, "record_id", record_id, why))
                    seen.add(record_id)
                    version = row[at[COLUMN_VERSION]].strip()
                    key_id = row[at[COLUMN_KEY_ID]].strip()
                    if self.version is None:
                        if not version.isdigit() or int(version) not in SPECS:
                            why = "unknown encoding version"
                            refusal = Refusal(line, record_id, COLUMN_VERSION, version, why)
                            self.refuse(path, refusal)
                            continue
                        self.version, self.key_id = version, key_id
                        self.origin = f"{path}: line {line}"
                        expected_bytes = SPECS[int(version)].total_bytes
                    elif version != self.version:
                        why = f"mixed with version {self.version!r} ({self.origin})"
                        self.refuse(path, Refusal(line, record_id, COLUMN_VERSION, version, why))
                        continue
                    elif key_id != self.key_id:
                        why = (
                            f"encodings from this key mixed with key {self.key_id!r} "
                            f"({self.origin}); they cannot be compared"
                        )
                        self.refuse(path, Refusal(line, record_id, COLUMN_KEY_ID, key_id, why))
                        continue
                    try:
                        raw = binascii.a2b_base64(row[at[COLUMN_ENCODING]], strict_mode=True)
                    except binascii.Error:
                        raw = b""
                    if len(raw) != expected_bytes:
                        why = f"not a base64 encoding of {expected_bytes} bytes"
                        self.refuse(path, Refusal(line, record_id, COLUMN_ENCODING, "", why))
                        continue
                    if self.refusals:
                        continue  # nothing will be linked: only look for further refusals
                    buffer += raw
                    self.ids.append(record_id)
                    self.file_of.append(file_number)
                    if len(self.ids) % 8192 == 0:
                        progress.update(done_before + counter[0], f"{len(self.ids)} records")
            except (csv.Error, UnicodeDecodeError) as error:
                why = f"unreadable CSV ({error})"
                self.refuse(path, Refusal(reader.line_num + 1, "", "", "", why))
        if not seen and not any(refused == path for refused, _ in self.refusals):
            raise BadInput(f"{path}: no records after the header line")
        self.chunks.append(bytes(buffer))
        return size_bytes

    def words(self) -> np.ndarray[Any, Any]:
        raw = b"".join(self.chunks)
        self.chunks = []
        return np.frombuffer(raw, dtype=np.uint64).reshape(len(self.ids), -1).copy()

    def output_ids(self) -> list[str]:
        """Ids as given, or `<file name>:<record_id>` for every record when ids collide."""
        if len(set(self.ids)) == len(self.ids):
            return self.ids
        names = [path.name for path in self.files]
        if len(set(names)) != len(names):
            names = [str(path) for path in self.files]
        return [f"{names[f]}:{i}" for f, i in zip(self.file_of, self.ids, strict=True)]


def cmd_dedupe(args: argparse.Namespace) -> int:
    from balise.linkage.dedupe import dedupe_words

    inputs = [Path(p) for p in args.input]
    output = Path(args.output)
    sizes = []
    for path in inputs:
        try:
            sizes.append(path.stat().st_size)
        except OSError as error:
            raise BadInput(f"{path}: cannot be read ({error.strerror})") from None
    total = sum(sizes)
    progress = Progress("read", total, total >= PROGRESS_MIN_BYTES)
    records = _EncodedFiles()
    done = 0
    for path in inputs:
        done += records.read(path, progress, done)
    if records.refusals:
        raise RefusedRows(records.refusals)
    progress.done(f"{len(records.ids)} records")
    ids = records.output_ids()
    words = records.words()
    stages = Progress("link", 4 if args.summary else 3, total >= PROGRESS_MIN_BYTES)
    step = {"candidates": 0, "scores": 1, "clusters": 2, "interval": 3}
    summary = Path(args.summary) if args.summary else None
    result = dedupe_words(
        words,
        progress=lambda stage: stages.update(step[stage], stage, True),
        interval=summary is not None,
    )
    stages.done("done")
    with atomic_output(output) as sink:
        writer = csv.writer(sink, lineterminator="\n")
        writer.writerow(["record_id", "cluster"])
        labels = result.labels + 1
        for record_id, label in zip(ids, labels.tolist(), strict=True):
            writer.writerow([record_id, label])
    if summary is not None and result.children is not None:
        with atomic_output(summary) as sink:
            json.dump(result.children.summary(), sink, indent=2)
            sink.write("\n")
    clusters = int(result.labels.max()) + 1 if len(result.labels) else 0
    note = (
        " (ids qualified by file name: they collide across inputs)"
        if ids is not records.ids
        else ""
    )
    print(
        f"{len(ids)} records, {clusters} children (clusters), {result.candidates} candidate "
        f"pairs, {result.links} links; written to {output}{note}",
        file=sys.stderr,
    )
    if result.children is not None:
        children = result.children
        print(
            f"about {children.estimate} children (90% interval {children.low}-{children.high});"
            f" summary written to {summary}",
            file=sys.stderr,
        )
    return 0


def add_subcommands(subparsers: Any) -> None:
    secret = subparsers.add_parser("secret", help="manage the network secret")
    secret_sub = secret.add_subparsers(dest="secret_command", required=True)
    new = secret_sub.add_parser("new", help="write a new network secret (mode 0600)")
    new.add_argument("--output", required=True, help="file to write")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.set_defaults(handler=cmd_secret_new)

    encode = subparsers.add_parser(
        "encode", help="encode identities (names, birth date, sex) with the network secret"
    )
    encode.add_argument("--secret", required=True, help="the network secret file")
    encode.add_argument(
        "--input", required=True, help="CSV: record_id,first_name,last_name,birth_date,sex,..."
    )
    encode.add_argument("--output", required=True, help="encoded CSV to write")
    encode.add_argument(
        "--damaged-dates",
        choices=DAMAGED_DATES,
        default="refuse",
        help="a birth date that cannot exist or lies after today: refuse its row (default), or "
        "encode the plausible parts of the date (1955-11-92 -> 1955-11, 2204-05-12 -> --05-12)",
    )
    encode.set_defaults(handler=cmd_encode)

    dedupe = subparsers.add_parser("dedupe", help="cluster encoded records into children")
    dedupe.add_argument(
        "--input", required=True, nargs="+", help="one or more outputs of `balise encode`"
    )
    dedupe.add_argument("--output", required=True, help="CSV record_id,cluster to write")
    dedupe.add_argument(
        "--summary",
        help="JSON to write: records, clusters, children_estimate, children_interval_90, method",
    )
    dedupe.set_defaults(handler=cmd_dedupe)


def run(args: argparse.Namespace) -> int:
    try:
        return int(args.handler(args))
    except BadInput as error:
        print(f"balise {args.command}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
