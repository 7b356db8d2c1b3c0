"""@mentions in Markdown: `@username` names a person. User names never change (display names do), so the text
itself is the stored reference: a rename shows the new display name wherever the mention is rendered."""

from __future__ import annotations

import re

# A user name as accounts allows it (3-32 of a-z 0-9 . _ -, starting with a letter or digit), after an @ that
# does not follow a word character (so e-mail addresses and "a@b" are not mentions).
_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._-]{2,31})")
_FENCED = re.compile(r"^(`{3,}|~{3,}).*?^\1", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")


def candidates(text: str) -> list[tuple[str, ...]]:
    """Per @mention in `text`, the user names it may mean, lower-cased and longest first: "thanks @ada." may name
    "ada." or, more likely, "ada" followed by a full stop (the caller keeps the first that is a real user). Code
    (fenced or inline) mentions nobody."""
    prose = _INLINE_CODE.sub(" ", _FENCED.sub(" ", text))
    found: list[tuple[str, ...]] = []
    for match in _MENTION.finditer(prose):
        name = match.group(1).lower()
        trimmed = name.rstrip("._-")
        found.append((name, trimmed) if trimmed != name and len(trimmed) >= 3 else (name,))
    return found


def resolve(text: str, known: dict[str, int]) -> set[int]:
    """The ids of the users @mentioned in `text`, given `known` (user name -> id) for every candidate name."""
    ids: set[int] = set()
    for names in candidates(text):
        for name in names:
            if name in known:
                ids.add(known[name])
                break
    return ids


def all_names(*texts: str) -> set[str]:
    """Every candidate name in the texts: what to look up in one query before `resolve`."""
    return {name for text in texts for names in candidates(text) for name in names}
