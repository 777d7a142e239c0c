"""Checking an uploaded PDF before anything is stored: what it is, not what it is called.

A file is accepted when it starts with ``%PDF-``, stays under the size limit, parses with pypdf
and opens with PDFium, is not encrypted, and carries no JavaScript (document-level scripts,
``/OpenAction``, additional actions or annotations that run ``/JS``). The page count, the text
(for search) and a PNG of the cover come out of the same pass.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no py.typed; wrapped in _cover
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

logger = logging.getLogger(__name__)

MAGIC: Final = b"%PDF-"
SCRIPT_KEYS: Final = frozenset({"/JS", "/JavaScript"})
# Objects visited when looking for scripts; a larger file is refused rather than half-checked.
MAX_OBJECTS: Final = 200_000
MAX_TEXT_CHARS: Final = 2_000_000
COVER_WIDTH: Final = 300  # pixels


class PdfRefused(ValueError):
    """The upload is not an acceptable PDF; the message says why, for the person uploading."""


@dataclass(frozen=True)
class CheckedPdf:
    content: bytes
    sha256: str
    page_count: int
    text: str
    cover_png: bytes


def _walk(root: Any) -> Iterator[DictionaryObject]:
    """Every dictionary reachable from ``root`` (each indirect object once)."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise PdfRefused(_("This PDF is too complex to be checked."))
        if isinstance(node, DictionaryObject):
            yield node
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)


def has_javascript(reader: PdfReader) -> bool:
    for dictionary in _walk(reader.trailer):
        if SCRIPT_KEYS & set(dictionary.keys()):
            return True
        if dictionary.get("/S") == NameObject("/JavaScript"):
            return True
    return False


def _cover(content: bytes) -> tuple[int, bytes]:
    document = pdfium.PdfDocument(content)
    try:
        pages = len(document)
        page = document[0]
        width = page.get_width() or 1
        bitmap = page.render(scale=COVER_WIDTH / width)
        image = bitmap.to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return pages, buffer.getvalue()
    finally:
        document.close()


def check_pdf(content: bytes, *, max_bytes: int) -> CheckedPdf:
    """The checked PDF with its page count, text and cover; raises PdfRefused."""
    if not content:
        raise PdfRefused(_("The file is empty."))
    if len(content) > max_bytes:
        raise PdfRefused(
            _("The file is larger than %(limit)s MB.") % {"limit": f"{max_bytes / 1e6:.0f}"}
        )
    if not content.startswith(MAGIC):
        raise PdfRefused(_("This file is not a PDF (whatever its name says)."))
    try:
        reader = PdfReader(io.BytesIO(content), strict=True)
        if reader.is_encrypted:
            raise PdfRefused(
                _("This PDF is encrypted or password-protected; upload it without protection.")
            )
        if has_javascript(reader):
            raise PdfRefused(_("This PDF contains JavaScript, which is not accepted."))
        page_count = len(reader.pages)
        if page_count == 0:
            raise PdfRefused(_("This PDF has no page."))
        texts: list[str] = []
        size = 0
        for page in reader.pages:
            if size >= MAX_TEXT_CHARS:
                break
            text = page.extract_text() or ""
            texts.append(text)
            size += len(text)
    except PdfRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        logger.info("PDF refused by pypdf: %s", type(exc).__name__)
        raise PdfRefused(_("This PDF is damaged or incomplete and cannot be read.")) from exc
    try:
        pdfium_pages, cover = _cover(content)
    except pdfium.PdfiumError as exc:
        raise PdfRefused(_("This PDF is damaged or incomplete and cannot be read.")) from exc
    if pdfium_pages != page_count:
        raise PdfRefused(_("This PDF is damaged or incomplete and cannot be read."))
    return CheckedPdf(
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        page_count=page_count,
        text="\n".join(texts)[:MAX_TEXT_CHARS],
        cover_png=cover,
    )
