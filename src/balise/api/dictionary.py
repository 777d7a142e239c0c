"""Dictionary routes: the vocabularies and their entries, in French, Dutch and English.

Public on purpose: the dictionary holds no data about anyone, is published with the source code,
and other tools (detection checklists, spreadsheets) need it without an account.
"""

from __future__ import annotations

from ninja import Router, Schema
from ninja.errors import HttpError

from balise.taxonomy.loader import DictionaryError, load

router = Router(tags=["dictionary"])


class VocabularySummary(Schema):
    name: str
    multiple: bool
    entries: int


class DictionaryOut(Schema):
    version: str
    date: str
    vocabularies: list[VocabularySummary]


class GroupOut(Schema):
    code: str
    labels: dict[str, str]


class EntryOut(Schema):
    code: str
    labels: dict[str, str]
    help: dict[str, str]
    group: str | None
    parent: str | None
    level: str | None
    retired: bool
    mappings: dict[str, str | None]


class Message(Schema):
    detail: str


class VocabularyOut(Schema):
    name: str
    version: str
    multiple: bool
    groups: list[GroupOut]
    entries: list[EntryOut]


@router.get("", response=DictionaryOut, auth=None, summary="The current dictionary")
def dictionary_index(request: object) -> DictionaryOut:
    dictionary = load()
    return DictionaryOut(
        version=dictionary.version,
        date=dictionary.date,
        vocabularies=[
            VocabularySummary(name=v.name, multiple=v.multiple, entries=len(v.entries))
            for v in dictionary.vocabularies.values()
        ],
    )


@router.get(
    "/{name}",
    response={200: VocabularyOut, 404: Message},
    auth=None,
    summary="One vocabulary with its entries",
)
def dictionary_vocabulary(request: object, name: str) -> VocabularyOut:
    dictionary = load()
    try:
        vocabulary = dictionary[name]
    except DictionaryError:
        raise HttpError(404, "Not Found") from None
    return VocabularyOut(
        name=vocabulary.name,
        version=dictionary.version,
        multiple=vocabulary.multiple,
        groups=[GroupOut(code=g.code, labels=dict(g.labels)) for g in vocabulary.groups],
        entries=[
            EntryOut(
                code=e.code,
                labels=dict(e.labels),
                help=dict(e.help),
                group=e.group,
                parent=e.parent,
                level=e.level,
                retired=e.retired,
                mappings=dict(e.mappings),
            )
            for e in vocabulary.entries
        ],
    )
