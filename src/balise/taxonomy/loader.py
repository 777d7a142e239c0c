"""Loading and validating the dictionary's data files (``data/v<N>/*.json``, see the format note).

The files are data, not code: each vocabulary has stable codes, French, Dutch and English labels,
optional groups, parents and mappings to Eurostat and IOM HTCDS categories. Everything here is
read-only and cached per process; ``validate_version_dir`` lists every problem in a version folder
(the system check and the tests call it).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from django.utils.translation import get_language

DATA_DIR: Final = Path(__file__).with_name("data")
LANGUAGES: Final = ("fr", "nl", "en")
DEFAULT_LANGUAGE: Final = "fr"
CODE_RE: Final = re.compile(r"^[a-z0-9][a-z0-9_]*$")
GEO_LEVELS: Final = ("region", "province", "arrondissement")


class DictionaryError(ValueError):
    """A data file is missing or invalid, or a code is not in a vocabulary."""


def active_language(language: str | None = None) -> str:
    """``language`` or the active Django language, reduced to one of fr/nl/en (French otherwise)."""
    code = (language or get_language() or DEFAULT_LANGUAGE)[:2].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def fold(text: str) -> str:
    """Case-, accent-, quote- and spacing-insensitive form of a label, for matching imports."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = re.sub(r"[\"'«»“”‘’`]", "", bare)
    return " ".join(re.sub(r"[\s_]+", " ", bare).split())


@dataclass(frozen=True)
class Group:
    code: str
    labels: Mapping[str, str]

    def label(self, language: str | None = None) -> str:
        return self.labels[active_language(language)]


@dataclass(frozen=True)
class Entry:
    code: str
    labels: Mapping[str, str]
    help: Mapping[str, str] = field(default_factory=dict)
    group: str | None = None
    parent: str | None = None
    level: str | None = None
    retired: bool = False
    mappings: Mapping[str, str | None] = field(default_factory=dict)
    # Every field of the file's entry, known or not (e.g. age bounds, detection weights).
    raw: Mapping[str, Any] = field(default_factory=dict)

    def label(self, language: str | None = None) -> str:
        return self.labels[active_language(language)]

    def help_text(self, language: str | None = None) -> str:
        return self.help.get(active_language(language), "") if self.help else ""


@dataclass(frozen=True)
class Vocabulary:
    name: str
    version: int
    multiple: bool
    entries: tuple[Entry, ...]
    groups: tuple[Group, ...] = ()
    sources: tuple[Mapping[str, str], ...] = ()
    _by_code: Mapping[str, Entry] = field(default_factory=dict, repr=False)
    _by_folded: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def get(self, code: str) -> Entry | None:
        return self._by_code.get(code)

    def entry(self, code: str) -> Entry:
        try:
            return self._by_code[code]
        except KeyError:
            raise DictionaryError(f"{code!r} is not a code of {self.name}") from None

    def codes(self, *, include_retired: bool = False) -> frozenset[str]:
        return frozenset(e.code for e in self.entries if include_retired or not e.retired)

    def label(self, code: str, language: str | None = None) -> str:
        return self.entry(code).label(language)

    def choices(
        self, language: str | None = None, *, level: str | None = None
    ) -> list[tuple[str, str]]:
        """(code, label) in file order; retired codes are left out of new choices."""
        return [
            (e.code, e.label(language))
            for e in self.entries
            if not e.retired and (level is None or e.level == level)
        ]

    def grouped(self) -> list[tuple[Group | None, list[Entry]]]:
        """Entries by group, groups in file order; one ``None`` group when there are no groups."""
        live = [e for e in self.entries if not e.retired]
        if not self.groups:
            return [(None, live)]
        return [(g, [e for e in live if e.group == g.code]) for g in self.groups]

    def code_from_label(self, text: str) -> str | None:
        """The code whose code or FR/NL/EN label matches ``text`` (ignoring case and accents)."""
        return self._by_folded.get(fold(text))

    def group(self, code: str) -> Group | None:
        return next((g for g in self.groups if g.code == code), None)


@dataclass(frozen=True)
class Dictionary:
    version: str
    date: str
    vocabularies: Mapping[str, Vocabulary]

    def __getitem__(self, name: str) -> Vocabulary:
        try:
            return self.vocabularies[name]
        except KeyError:
            raise DictionaryError(f"no vocabulary {name!r} in dictionary v{self.version}") from None


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _build_vocabulary(document: Mapping[str, Any]) -> Vocabulary:
    entries = tuple(
        Entry(
            code=item["code"],
            labels=dict(item["labels"]),
            help=dict(item.get("help") or {}),
            group=item.get("group"),
            parent=item.get("parent"),
            level=item.get("level"),
            retired=bool(item.get("retired", False)),
            mappings=dict(item.get("mappings") or {}),
            raw=dict(item),
        )
        for item in document["entries"]
    )
    by_folded: dict[str, str] = {}
    for entry in entries:
        for text in (entry.code, *entry.labels.values()):
            by_folded.setdefault(fold(text), entry.code)
    return Vocabulary(
        name=document["vocabulary"],
        version=int(document["version"]),
        multiple=bool(document["multiple"]),
        entries=entries,
        groups=tuple(
            Group(code=g["code"], labels=dict(g["labels"])) for g in document.get("groups", [])
        ),
        sources=tuple(dict(s) for s in document.get("sources", [])),
        _by_code={e.code: e for e in entries},
        _by_folded=by_folded,
    )


def available_versions() -> list[str]:
    return sorted(
        (p.name[1:] for p in DATA_DIR.iterdir() if p.is_dir() and re.fullmatch(r"v\d+", p.name)),
        key=int,
    )


def current_version() -> str:
    """The newest dictionary version; new and edited situations are recorded with it."""
    return available_versions()[-1]


@cache
def load(version: str | None = None) -> Dictionary:
    """The dictionary of ``version`` (default: current), validated; raises DictionaryError."""
    version = version or current_version()
    folder = DATA_DIR / f"v{version}"
    problems = validate_version_dir(folder)
    if problems:
        raise DictionaryError("; ".join(problems))
    manifest = _read_json(folder / "manifest.json")
    return Dictionary(
        version=str(manifest["version"]),
        date=str(manifest["date"]),
        vocabularies={
            name: _build_vocabulary(_read_json(folder / f"{name}.json"))
            for name in manifest["vocabularies"]
        },
    )


def vocabulary(name: str, version: str | None = None) -> Vocabulary:
    return load(version)[name]


# --- validation ----------------------------------------------------------------------------------


def _check_labels(where: str, labels: object, problems: list[str], *, what: str = "labels") -> None:
    if not isinstance(labels, dict):
        problems.append(f"{where}: {what} must be an object with fr, nl and en")
        return
    for language in LANGUAGES:
        text = labels.get(language)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: {what} lacks a {language} text")


def validate_vocabulary(name: str, document: Any) -> list[str]:
    """Every problem of one vocabulary document (empty list when it is valid)."""
    problems: list[str] = []
    if not isinstance(document, dict):
        return [f"{name}: not a JSON object"]
    if document.get("vocabulary") != name:
        problems.append(f"{name}: 'vocabulary' is {document.get('vocabulary')!r}, not {name!r}")
    if not isinstance(document.get("multiple"), bool):
        problems.append(f"{name}: 'multiple' must be true or false")
    if not isinstance(document.get("version"), int):
        problems.append(f"{name}: 'version' must be an integer")
    source_ids = {s.get("id") for s in document.get("sources", []) if isinstance(s, dict)}
    groups = document.get("groups", [])
    group_codes: set[str] = set()
    for group in groups:
        code = group.get("code") if isinstance(group, dict) else None
        if not isinstance(code, str) or not CODE_RE.match(code):
            problems.append(f"{name}: group code {code!r} is not lowercase snake_case")
            continue
        if code in group_codes:
            problems.append(f"{name}: group {code!r} appears twice")
        group_codes.add(code)
        _check_labels(f"{name}.groups.{code}", group.get("labels"), problems)
    entries = document.get("entries")
    if not isinstance(entries, list) or not entries:
        return [*problems, f"{name}: 'entries' must be a non-empty list"]
    codes: dict[str, dict[str, Any]] = {}
    for position, entry in enumerate(entries):
        code = entry.get("code") if isinstance(entry, dict) else None
        if not isinstance(code, str) or not CODE_RE.match(code):
            problems.append(f"{name}: entry {position} has an invalid code {code!r}")
            continue
        where = f"{name}.{code}"
        if code in codes:
            problems.append(f"{where}: code appears twice")
        codes[code] = entry
        _check_labels(where, entry.get("labels"), problems)
        if entry.get("help") is not None:
            _check_labels(where, entry.get("help"), problems, what="help")
        if groups and entry.get("group") not in group_codes:
            problems.append(f"{where}: group {entry.get('group')!r} is not declared")
        if not groups and entry.get("group") is not None:
            problems.append(f"{where}: has a group but the vocabulary declares none")
        for source in entry.get("sources", []):
            if source not in source_ids:
                problems.append(f"{where}: source {source!r} is not declared")
    # Parents exist and levels nest (geography; any vocabulary may use parents).
    for code, entry in codes.items():
        parent = entry.get("parent")
        if parent is None:
            continue
        if parent not in codes:
            problems.append(f"{name}.{code}: parent {parent!r} does not exist")
            continue
        level, parent_level = entry.get("level"), codes[parent].get("level")
        nested = level in GEO_LEVELS and parent_level in GEO_LEVELS
        if nested and GEO_LEVELS.index(parent_level) >= GEO_LEVELS.index(level):
            problems.append(f"{name}.{code}: a {level} cannot sit under a {parent_level}")
    # A label must name one code only, across languages, or imports by label are ambiguous.
    seen: dict[str, str] = {}
    for code, entry in codes.items():
        labels = entry.get("labels")
        if not isinstance(labels, dict):
            continue
        for text in {fold(str(t)) for t in labels.values()} | {fold(code)}:
            other = seen.setdefault(text, code)
            if other != code:
                problems.append(f"{name}: label {text!r} names both {other!r} and {code!r}")
    return problems


def validate_version_dir(folder: Path) -> list[str]:
    """Every problem in one version folder: manifest, files, codes, labels, groups, parents."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        return [f"{folder.name}: manifest.json is missing"]
    try:
        manifest = _read_json(manifest_path)
    except (OSError, ValueError) as exc:
        return [f"{folder.name}/manifest.json: {exc}"]
    problems: list[str] = []
    if f"v{manifest.get('version')}" != folder.name:
        problems.append(f"{folder.name}: manifest version {manifest.get('version')!r} differs")
    for name in manifest.get("vocabularies", []):
        path = folder / f"{name}.json"
        if not path.exists():
            problems.append(f"{folder.name}: {name}.json is missing")
            continue
        try:
            document = _read_json(path)
        except ValueError as exc:
            problems.append(f"{folder.name}/{name}.json: invalid JSON ({exc})")
            continue
        problems.extend(f"{folder.name}/{p}" for p in validate_vocabulary(name, document))
    problems.extend(_check_codes_kept(folder, manifest))
    return problems


def _check_codes_kept(folder: Path, manifest: Mapping[str, Any]) -> list[str]:
    """A later version keeps every code of the version before it (codes are never reused)."""
    number = int(folder.name[1:])
    previous = folder.parent / f"v{number - 1}"
    if number <= 1 or not previous.exists():
        return []
    problems = []
    for name in _read_json(previous / "manifest.json").get("vocabularies", []):
        if name not in manifest.get("vocabularies", []):
            problems.append(f"{folder.name}: vocabulary {name!r} of {previous.name} was dropped")
            continue
        old = {e["code"] for e in _read_json(previous / f"{name}.json")["entries"]}
        path = folder / f"{name}.json"
        new = {e["code"] for e in _read_json(path)["entries"]} if path.exists() else set()
        for code in sorted(old - new):
            problems.append(f"{folder.name}/{name}: code {code!r} of {previous.name} was dropped")
    return problems


# --- helpers for consumers -----------------------------------------------------------------------


def age_group_for(age: int, scheme: str = "primero", version: str | None = None) -> str | None:
    """The ``age_groups`` code of ``scheme`` ("primero" or "fine") that holds ``age`` years."""
    for entry in vocabulary("age_groups", version):
        if entry.group == scheme and entry.raw["min"] <= age <= entry.raw["max"]:
            return entry.code
    return None


def region_of(nis_code: str, version: str | None = None) -> str | None:
    """The region NIS code of a region, province or arrondissement NIS code."""
    geography = vocabulary("geography", version)
    entry = geography.get(nis_code)
    while entry is not None and entry.level != "region":
        entry = geography.get(entry.parent) if entry.parent else None
    return entry.code if entry else None
