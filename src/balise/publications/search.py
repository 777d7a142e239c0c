"""Full-text search over titles, abstracts and the PDFs' text.

PostgreSQL: each version is matched with its own language's text search configuration
(``french``, ``dutch``, ``english``), so stemming follows the language the text is written in.
Everywhere, the accent-folded, lower-case words of each version (``search_words``) containing
every word of the query as a word prefix also match: that is SQLite's search, and on PostgreSQL
it makes "etude" find "Étude" without the ``unaccent`` extension (which needs a superuser to
install). The same tests run on both databases.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from balise.publications.models import SEARCH_CONFIGS, PublicationVersion

WORD: Final = re.compile(r"\w+")
MAX_QUERY_WORDS: Final = 12


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words_of(text: str) -> list[str]:
    return WORD.findall(fold(text))


def search_words(*texts: str) -> str:
    """The distinct folded words of ``texts``, space-separated with a space at both ends."""
    words = sorted({word for text in texts for word in words_of(text)})
    return f" {' '.join(words)} " if words else ""


def _folded_match(query: str) -> Q:
    words = words_of(query)[:MAX_QUERY_WORDS]
    if not words:
        return Q(pk__in=[])
    condition = Q()
    for word in words:
        condition &= Q(search_words__contains=f" {word}")
    return condition


def matching_versions(query: str) -> QuerySet[PublicationVersion]:
    """Versions whose title, abstract or PDF text match ``query``."""
    condition = _folded_match(query)
    if connection.vendor == "postgresql":
        for language, config in SEARCH_CONFIGS.items():
            ids = (
                PublicationVersion.objects.filter(language=language)
                .annotate(
                    document=SearchVector("title", "abstract", "pdf_text", config=config),
                )
                .filter(document=SearchQuery(query, config=config, search_type="websearch"))
                .values("pk")
            )
            condition |= Q(pk__in=ids)
    return PublicationVersion.objects.filter(condition)
