"""Structure-aware chunking: Markdown headings, then paragraphs, then sentences, with a sentence of overlap.

Every chunk, with its heading, fits the embedding model's 256-token window (longer text would be silently cut by
the model). Chunks never cross a heading or a PDF page, so each cites one heading and one page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from devcell.documents.service import Section

# Bump when the output changes: documents indexed with another version are indexed again.
CHUNKER_VERSION = "chunker-2"  # 2: pieces over the token window are split (tables and code run long)
TARGET_CHARS = 700  # ~175 tokens of English prose
MAX_CHARS = 850  # + a heading of at most HEADING_CHARS stays under 256 tokens for ordinary text
HEADING_CHARS = 120
OVERLAP_CHARS = 200
MAX_TOKENS = 256  # all-MiniLM-L6-v2's window

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SENTENCE = re.compile(r"(?<=[.!?:;])\s+(?=[\"'(\[A-Z0-9`*-])")


@dataclass(frozen=True)
class Piece:
    seq: int
    heading: str
    page: int | None
    text: str

    @property
    def embed_text(self) -> str:
        """What the model sees: the heading gives a short passage its context."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


def _blocks(text: str) -> Iterator[tuple[str, str | None]]:
    """(heading path, paragraph) pairs, and (heading path, None) where a heading starts a new part; the heading
    path is 'H1 > H2 > H3', cut to HEADING_CHARS."""
    path: list[tuple[int, str]] = []
    paragraph: list[str] = []

    def heading() -> str:
        joined = " > ".join(title for _, title in path)
        return joined if len(joined) <= HEADING_CHARS else "…" + joined[-HEADING_CHARS + 1 :]

    in_fence = False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match or (not line.strip() and not in_fence):
            if paragraph:
                yield heading(), "\n".join(paragraph).strip()
                paragraph = []
            if match:
                level = len(match.group(1))
                path = [(lvl, title) for lvl, title in path if lvl < level] + [(level, match.group(2).strip())]
                yield heading(), None  # a heading closes the chunk before it
            continue
        paragraph.append(line)
    if paragraph:
        yield heading(), "\n".join(paragraph).strip()


def _pieces_of(paragraph: str) -> list[str]:
    """A paragraph as parts of at most MAX_CHARS: sentences, and words for a sentence that is still too long."""
    if len(paragraph) <= MAX_CHARS:
        return [paragraph]
    parts: list[str] = []
    for sentence in _SENTENCE.split(paragraph):
        while len(sentence) > MAX_CHARS:
            cut = sentence.rfind(" ", 0, MAX_CHARS)
            cut = cut if cut > MAX_CHARS // 2 else MAX_CHARS
            parts.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            parts.append(sentence)
    return parts


def _tail(text: str) -> str:
    """The last sentence of a chunk, carried into the next one as overlap (if it is short enough)."""
    last = _SENTENCE.split(text)[-1].strip()
    return last if 0 < len(last) <= OVERLAP_CHARS and last != text.strip() else ""


class _Packer:
    """Packs the parts of one section into chunks of about TARGET_CHARS."""

    def __init__(self, out: list[Piece], page: int | None) -> None:
        self.out = out
        self.page = page
        self.heading = ""
        self.current: list[str] = []

    def flush(self, keep_overlap: bool) -> None:
        text = "\n\n".join(self.current).strip()
        if text:
            self.out.append(Piece(len(self.out), self.heading, self.page, text))
        overlap = _tail(text) if keep_overlap and text else ""
        self.current = [overlap] if overlap else []

    def add(self, part: str) -> None:
        if self.current and sum(len(p) + 2 for p in self.current) + len(part) > TARGET_CHARS:
            self.flush(keep_overlap=True)
            if sum(len(p) + 2 for p in self.current) + len(part) > MAX_CHARS:
                self.current = []
        self.current.append(part)


def _split_to_fit(piece: Piece, measure: Callable[[str], int], window: int) -> list[Piece]:
    """A piece whose text (with its heading) is over the model's window, as parts that fit: characters per token
    vary a lot (prose ~4, tables and code ~2), so the split is checked with the model's own tokenizer."""
    if measure(piece.embed_text) <= window or len(piece.text) < 40:
        return [piece]
    words = piece.text.split(" ")
    middle = len(words) // 2
    halves = [" ".join(words[:middle]).strip(), " ".join(words[middle:]).strip()]
    if not all(halves):  # one long word: cut by characters
        cut = len(piece.text) // 2
        halves = [piece.text[:cut], piece.text[cut:]]
    out: list[Piece] = []
    for half in halves:
        out.extend(_split_to_fit(Piece(0, piece.heading, piece.page, half), measure, window))
    return out


def chunk(
    sections: list[Section], measure: Callable[[str], int] | None = None, window: int = MAX_TOKENS
) -> list[Piece]:
    """Passages of the sections; with `measure` (the model's token count), each one fits `window` tokens."""
    pieces = _pack(sections)
    if measure is None:
        return pieces
    fitted = [part for piece in pieces for part in _split_to_fit(piece, measure, window)]
    return [Piece(seq, p.heading, p.page, p.text) for seq, p in enumerate(fitted)]


def _pack(sections: list[Section]) -> list[Piece]:
    pieces: list[Piece] = []
    for section in sections:
        packer = _Packer(pieces, section.page)
        for heading, paragraph in _blocks(section.text):
            if paragraph is None or heading != packer.heading:
                packer.flush(keep_overlap=False)
                packer.heading = heading
            for part in _pieces_of(paragraph) if paragraph else []:
                packer.add(part)
        packer.flush(keep_overlap=False)
    return pieces
