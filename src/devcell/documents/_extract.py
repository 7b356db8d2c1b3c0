"""Text out of a stored file: type by content, PDF pages kept, limits on size, pages and time."""

from __future__ import annotations

import logging
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 20_000_000  # extracted text beyond this is a bomb, not a document


class ExtractionFailed(Exception):
    """The file cannot be turned into text; the message is the reason shown on the document."""


@dataclass(frozen=True)
class Section:
    """A run of text and the PDF page it came from (None for text files)."""

    text: str
    page: int | None = None


def sniff(head: bytes) -> str | None:
    """'pdf', 'text' or None (binary) from the first bytes of a file, whatever its name says."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a multi-byte character cut at the end of the sample is fine
            return None
    return "text"


def normalise(text: str) -> str:
    """NFC, unix newlines, no control characters, no trailing spaces."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _text_file(path: Path) -> list[Section]:
    with path.open("rb") as handle:
        if sniff(handle.read(4096)) != "text":
            raise ExtractionFailed("This is not a text file (it has binary content).")
    return [Section(normalise(path.read_text(encoding="utf-8", errors="replace")))]


def _pdf(path: Path, max_pages: int, deadline: float) -> tuple[list[Section], int]:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError

    with path.open("rb") as handle:
        if sniff(handle.read(8)) != "pdf":
            raise ExtractionFailed("This file is not a PDF (it does not start with %PDF).")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise ExtractionFailed("The PDF is encrypted; upload a copy without a password.")
        count = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractionFailed(f"The PDF cannot be read: {exc}") from None
    if count > max_pages:
        raise ExtractionFailed(f"The PDF has {count} pages; the limit is {max_pages} (setting pdf_max_pages).")
    sections: list[Section] = []
    total = 0
    for number, page in enumerate(reader.pages, start=1):
        if time.monotonic() > deadline:
            raise ExtractionFailed(f"Reading the PDF took too long (stopped at page {number} of {count}).")
        try:
            text = page.extract_text() or ""
        except LimitReachedError:
            raise ExtractionFailed(
                f"Page {number} of the PDF expands to far more data than the file's size (a PDF bomb?)."
            ) from None
        except Exception as exc:  # pypdf raises many kinds on damaged pages; one bad page fails the document
            raise ExtractionFailed(f"Page {number} of the PDF cannot be read: {exc}") from None
        total += len(text)
        if total > MAX_TEXT_CHARS:
            raise ExtractionFailed("The PDF expands to far more text than its size suggests (a PDF bomb?).")
        sections.append(Section(normalise(text), number))
    return sections, count


def extract(path: Path, kind: str, *, max_pages: int, timeout: float) -> tuple[list[Section], int | None]:
    """The document's text sections and page count (None for text files); ExtractionFailed with a reason."""
    deadline = time.monotonic() + timeout
    if kind == "pdf":
        sections, pages = _pdf(path, max_pages, deadline)
    else:
        sections, pages = _text_file(path), None
    if not any(s.text.strip() for s in sections):
        raise ExtractionFailed("No text found in this document (an empty file, or a scanned PDF without a text layer).")
    return sections, pages
