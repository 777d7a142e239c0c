"""The columns of situation files as people read them: headers in French, Dutch and English,
what each column holds, and the allowed values from the data dictionary.

One table serves the import templates, the readable exports and the import page; the importer
accepts every header written here (``importing`` adds them to its aliases), so a readable export
or a filled-in template imports back as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, override

from balise.situations.validation import (
    FIELDS,
    IDENTITY_FIELDS,
    MAX_NOTE_CHARS,
    MULTI_FIELDS,
    REQUIRED,
    SINGLE_FIELDS,
)
from balise.taxonomy.loader import load

LANGUAGES: Final = ("fr", "nl", "en")

# Headers a person reads, per language. Literal strings, not translations: a file written in
# Dutch must import whatever the language of the person who uploads it.
READABLE_HEADERS: Final[Mapping[str, Mapping[str, str]]] = {
    "reference": {
        "fr": "Référence interne",
        "nl": "Interne referentie",
        "en": "Internal reference",
    },
    "detection_month": {
        "fr": "Mois de détection",
        "nl": "Maand van detectie",
        "en": "Detection month",
    },
    "arrondissement": {"fr": "Arrondissement", "nl": "Arrondissement", "en": "Arrondissement"},
    "age_years": {"fr": "Âge (ans)", "nl": "Leeftijd (jaren)", "en": "Age (years)"},
    "gender": {"fr": "Genre", "nl": "Geslacht", "en": "Gender"},
    "citizenship_group": {"fr": "Nationalité", "nl": "Nationaliteit", "en": "Citizenship"},
    "unaccompanied": {"fr": "Non accompagné", "nl": "Niet begeleid", "en": "Unaccompanied"},
    "forms": {
        "fr": "Formes d'exploitation",
        "nl": "Uitbuitingsvormen",
        "en": "Forms of exploitation",
    },
    "recruitment_channels": {
        "fr": "Canaux de recrutement",
        "nl": "Rekruteringskanalen",
        "en": "Recruitment channels",
    },
    "places": {"fr": "Lieux", "nl": "Plaatsen", "en": "Places"},
    "vulnerabilities": {
        "fr": "Vulnérabilités",
        "nl": "Kwetsbaarheden",
        "en": "Vulnerabilities",
    },
    "signs": {"fr": "Signes", "nl": "Signalen", "en": "Signs"},
    "actions": {
        "fr": "Actions et orientations",
        "nl": "Acties en doorverwijzingen",
        "en": "Actions",
    },
    "status": {"fr": "Statut", "nl": "Status", "en": "Status"},
    "note": {"fr": "Note", "nl": "Opmerking", "en": "Note"},
    # Written by exports, ignored by the import (the server sets them).
    "dictionary_version": {
        "fr": "Version du dictionnaire",
        "nl": "Versie van het woordenboek",
        "en": "Dictionary version",
    },
    "created_at": {"fr": "Enregistrée le", "nl": "Geregistreerd op", "en": "Recorded on"},
    "updated_at": {"fr": "Modifiée le", "nl": "Gewijzigd op", "en": "Updated on"},
}
# Columns an export writes that the import reads past: the server sets them.
EXPORT_ONLY: Final = ("dictionary_version", "created_at", "updated_at")

# The situation columns of a template, in order: the record's fields without the reference
# (the encoder's record_id) and the identity encoding (the encoder writes it).
TEMPLATE_FIELDS: Final = tuple(
    name for name in FIELDS if name != "reference" and name not in IDENTITY_FIELDS
)
# What the in-browser encoder (bulk-encode.js) reads, and `balise encode`: fixed names.
IDENTITY_COLUMNS: Final = ("record_id", "first_name", "last_name", "birth_date", "sex")

# Synthetic example row: invented people, codes from the dictionary.
EXAMPLE_IDENTITY: Final = {
    "record_id": "EX-0001",
    "first_name": "Alice",
    "last_name": "Exemple",
    "birth_date": "2010-05-14",
    "sex": "F",
}
EXAMPLE_CODES: Final[Mapping[str, object]] = {
    "detection_month": "2025-03",
    "arrondissement": "21000",
    "age_years": 14,
    "gender": "girl",
    "citizenship_group": "non_eu",
    "unaccompanied": True,
    "forms": ["prostitution", "online_sextortion"],
    "recruitment_channels": ["loverboy"],
    "places": ["private_rental"],
    "vulnerabilities": [],
    "signs": [],
    "actions": [],
    "status": "presumed",
    "note": "",
}

_DESCRIPTIONS: Final[Mapping[str, Promise]] = {
    "record_id": gettext_lazy(
        "Your own reference for the situation (letters, digits, spaces, . _ / # -; at most 64). "
        "A row with a reference already imported updates that situation."
    ),
    "first_name": gettext_lazy(
        "First name. Read and encoded on your device only; never sent to Balise."
    ),
    "last_name": gettext_lazy(
        "Last name. Read and encoded on your device only; never sent to Balise."
    ),
    "birth_date": gettext_lazy(
        "Birth date: YYYY-MM-DD, DD/MM/YYYY, YYYY-MM or the year alone; may be empty. Encoded on "
        "your device only."
    ),
    "sex": gettext_lazy("M, F, X or empty. Encoded on your device only."),
    "detection_month": gettext_lazy(
        "Month the situation was detected: YYYY-MM or MM/YYYY, not in the future, not before 2000."
    ),
    "arrondissement": gettext_lazy(
        "Administrative arrondissement where the situation was detected: its NIS code or its name."
    ),
    "age_years": gettext_lazy("Age at detection in whole years, 0 to 17; may be empty."),
    "gender": gettext_lazy("One value, code or label."),
    "citizenship_group": gettext_lazy("One value, code or label."),
    "unaccompanied": gettext_lazy(
        "Unaccompanied minor: yes or no (oui/non, ja/nee, true/false, 1/0)."
    ),
    "forms": gettext_lazy("One value or more, codes or labels, separated by |."),
    "recruitment_channels": gettext_lazy("Values separated by |, codes or labels; may be empty."),
    "places": gettext_lazy("Values separated by |, codes or labels; may be empty."),
    "vulnerabilities": gettext_lazy("Values separated by |, codes or labels; may be empty."),
    "signs": gettext_lazy("Values separated by |, codes or labels; may be empty."),
    "actions": gettext_lazy("Values separated by |, codes or labels; may be empty."),
    "status": gettext_lazy("One value, code or label."),
    "note": gettext_lazy(
        "Optional free text, at most %(limit)s characters, encrypted when stored. No names, "
        "birth dates, addresses or telephone numbers."
    ),
}


@dataclass(frozen=True)
class ColumnGuide:
    """One column of a template, in one language."""

    header: str
    required: bool
    description: str
    allowed: list[tuple[str, str]]  # (code, label); empty when the column is free


def header(name: str, language: str) -> str:
    """The column header of ``name`` in ``language`` (identity columns keep their fixed names)."""
    if name in IDENTITY_COLUMNS:
        return name
    return READABLE_HEADERS[name][language]


def allowed_values(name: str, language: str) -> list[tuple[str, str]]:
    """The dictionary's current (code, label) pairs a column accepts, in ``language``."""
    vocabulary = SINGLE_FIELDS.get(name) or MULTI_FIELDS.get(name)
    if vocabulary is None:
        return []
    level = "arrondissement" if name == "arrondissement" else None
    return load()[vocabulary].choices(language, level=level)


def guide(language: str) -> list[ColumnGuide]:
    """Every template column in ``language``: header, required, what it holds, allowed values."""
    rows = []
    with override(language):
        for name in (*IDENTITY_COLUMNS, *TEMPLATE_FIELDS):
            description = str(_DESCRIPTIONS[name])
            if name == "note":
                description %= {"limit": MAX_NOTE_CHARS}
            rows.append(
                ColumnGuide(
                    header=header(name, language),
                    required=name == "record_id" or name in REQUIRED,
                    description=description,
                    allowed=allowed_values(name, language),
                )
            )
    return rows


def readable_value(name: str, value: object, language: str) -> object:
    """A stored value as a person reads it in ``language``, in a form the import accepts."""
    vocabulary = SINGLE_FIELDS.get(name) or MULTI_FIELDS.get(name)
    if vocabulary is not None:
        vocab = load()[vocabulary]
        codes = value if isinstance(value, list) else [value]
        return " | ".join(
            vocab.label(str(code), language) if code in vocab else str(code) for code in codes
        )
    if name == "unaccompanied":
        return {"fr": ("oui", "non"), "nl": ("ja", "nee"), "en": ("yes", "no")}[language][
            0 if value else 1
        ]
    return value


def example_row(language: str) -> list[object]:
    """The template's example row: a synthetic person, values as labels in ``language``."""
    return [EXAMPLE_IDENTITY[name] for name in IDENTITY_COLUMNS] + [
        readable_value(name, EXAMPLE_CODES[name], language) for name in TEMPLATE_FIELDS
    ]


def template_header(language: str) -> list[str]:
    return [header(name, language) for name in (*IDENTITY_COLUMNS, *TEMPLATE_FIELDS)]
