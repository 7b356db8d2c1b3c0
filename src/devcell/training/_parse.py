"""Turning JSON (pasted by a person, or written by the model) into validated units.

The model's answer is untrusted text: code fences are stripped, prose around the JSON is ignored, an answer cut
off in the middle keeps its complete units (with a warning), and anything without units is an error (502) rather
than a half-parsed plan. A person's JSON gets the same tolerance for shapes and synonyms, but invalid units are
a 422 naming each field, since they can fix their input.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from devcell.core.errors import ValidationFailed
from devcell.core.llm import LLMError
from devcell.training.schemas import MAX_UNITS, Unit

LIST_KEYS = ("units", "items", "tasks")  # {"units": [...]}; upstream documented "items"; models like "tasks"
MAX_STARTS = 40  # candidate JSON starts tried in one answer (prose may hold stray brackets)
QUOTE_CHARS = 160  # how much of a bad answer the error message shows

PRIORITY_WORDS = {
    "low": "low",
    "minor": "low",
    "optional": "low",
    "normal": "normal",
    "medium": "normal",
    "moderate": "normal",
    "default": "normal",
    "high": "high",
    "important": "high",
    "urgent": "urgent",
    "critical": "urgent",
    "highest": "urgent",
    "blocker": "urgent",
}
WEEK_IN_TEXT = re.compile(r"\b(?:week|wk|w)\s*(\d{1,3})\b", re.IGNORECASE)
LIST_START = re.compile(r'\{\s*"(?:' + "|".join(LIST_KEYS) + r')"\s*:\s*\[')  # {"units": [
FENCE = re.compile(r"```[\w-]*[ \t]*\n?(.*?)(?:```|\Z)", re.DOTALL)

_decoder = json.JSONDecoder(strict=False)  # raw newlines in strings: small models write them


@dataclass
class Units:
    """Units found in some JSON, with what the reader should know about them."""

    units: list[Unit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- A person's JSON ---------------------------------------------------------------------------------------


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("[", "{")


def parse_json_input(text: str) -> Units:
    """Units from a pasted JSON roadmap: a list of units, or {"units"|"items": [...]}. 422 when it is not."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed.for_field(
            "text", f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    raw = _unit_list(value)
    if raw is None:
        raise ValidationFailed.for_field(
            "text",
            'JSON roadmaps are a list of units or {"units": [...]}; each unit has title, description, week '
            "and priority",
        )
    if len(raw) > MAX_UNITS:
        raise ValidationFailed.for_field("text", f"has {len(raw)} units; a plan holds at most {MAX_UNITS}")
    found = Units()
    errors: list[dict[str, str]] = []
    for index, item in enumerate(raw):
        try:
            found.units.append(_validate(item, found, index, lenient=False))
        except ValidationError as exc:
            errors += [{"field": _where(index, err["loc"]), "message": err["msg"]} for err in exc.errors()]
    if errors:
        first = errors[0]
        raise ValidationFailed(f"{first['field']}: {first['message']}", detail=errors)
    if not found.units:
        raise ValidationFailed.for_field("text", "holds no units")
    return found


def _where(index: int, loc: tuple[int | str, ...]) -> str:
    return ".".join([f"units[{index}]", *(str(part) for part in loc)]) if loc else f"units[{index}]"


# --- The model's answer ------------------------------------------------------------------------------------


def parse_answer(answer: str) -> Units:
    """Units from the model's answer; LLMError (502) when it holds none."""
    raw, truncated = _find_units(_unfenced(answer))
    if raw is None:
        raise LLMError(
            "The model did not answer with training units in the required JSON format, so nothing was imported. "
            f"It said: “{_quote(answer)}”. Try again, shorten the roadmap, or paste it as JSON."
        )
    found = Units()
    if truncated:
        found.warnings.append(
            f"The model's answer was cut off after {len(raw)} complete units; the rest of the roadmap is "
            "missing. Check the last weeks, and import the remaining part separately."
        )
    dropped: list[str] = []
    for index, item in enumerate(raw[:MAX_UNITS]):
        try:
            found.units.append(_validate(item, found, index, lenient=True))
        except ValidationError as exc:
            dropped.append(f"unit {index + 1} ({_first_error(exc)})")
    if len(raw) > MAX_UNITS:
        found.warnings.append(f"The model gave {len(raw)} units; only the first {MAX_UNITS} were kept.")
    if dropped:
        found.warnings.append("Left out because they were not valid units: " + "; ".join(dropped) + ".")
    if not found.units:
        raise LLMError(
            "The model's answer held no usable training units, so nothing was imported"
            + (f" ({'; '.join(dropped)})." if dropped else ".")
            + " Try again, or paste the roadmap as JSON."
        )
    return found


class PartInvalid(ValueError):
    """One part's answer holds no usable unit; the message says why (it is restated to the model once)."""


def parse_part(answer: str, week: int) -> Units:
    """The units of one roadmap part from the model's answer, all in the part's `week` (the model is not asked
    for it). A unit cut off at the end of the answer is dropped with a warning."""
    raw, truncated = _find_units(_unfenced(answer))
    if raw is None:
        raise PartInvalid('the answer holds no JSON object with a "units" list')
    found = Units()
    if truncated:
        found.warnings.append(f"The model's answer for week {week} was cut off; its last unit may be missing.")
    dropped: list[str] = []
    for index, item in enumerate(raw[:MAX_UNITS]):
        try:
            unit = {**item, "week": week} if isinstance(item, dict) else item
            found.units.append(_validate(unit, found, index, lenient=True))
        except ValidationError as exc:
            dropped.append(f"unit {index + 1} ({_first_error(exc)})")
    if not found.units:
        raise PartInvalid("no unit in the answer is valid" + (f": {'; '.join(dropped)}" if dropped else ""))
    if dropped:
        found.warnings.append(f"Left out of week {week} because they were not valid units: {'; '.join(dropped)}.")
    return found


def _unfenced(answer: str) -> str:
    """The inside of the first code fence (an unclosed one runs to the end), else the answer itself."""
    match = FENCE.search(answer)
    return match.group(1) if match else answer


def _find_units(text: str) -> tuple[list[Any] | None, bool]:
    """The first unit list in the text, and whether it was cut off (then only its complete objects)."""
    starts = [m.start() for m in re.finditer(r"[\[{]", text)][:MAX_STARTS]
    for start in starts:
        try:
            value, _ = _decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            salvaged = _complete_objects(text, start)
            if salvaged:
                return salvaged, True
            continue
        units = _unit_list(value)
        if units:
            return units, False
    return None, False


def _complete_objects(text: str, start: int) -> list[Any]:
    """The complete objects of a unit array that starts at (or, for {"units": [, inside) `start`."""
    if text[start] == "{":
        key = LIST_START.match(text, start)
        if key is None:
            return []
        position = key.end()
    else:
        position = start + 1
    objects: list[Any] = []
    while True:
        position = _skip(text, position)
        if position >= len(text) or text[position] != "{":
            return objects
        try:
            value, position = _decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return objects  # the object the answer was cut off in
        if isinstance(value, dict):
            objects.append(value)


def _skip(text: str, position: int) -> int:
    while position < len(text) and (text[position].isspace() or text[position] == ","):
        position += 1
    return position


def _unit_list(value: Any) -> list[Any] | None:
    """The list of unit objects a JSON value holds, if any."""
    if isinstance(value, dict):
        for key in LIST_KEYS:
            if isinstance(value.get(key), list):
                value = value[key]
                break
        else:
            return [value] if "title" in value else None
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return value
    return None


def _quote(answer: str) -> str:
    flat = " ".join(answer.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1] + "…"


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(part) for part in err["loc"])
    return f"{where}: {err['msg']}" if where else str(err["msg"])


# --- One unit ----------------------------------------------------------------------------------------------


def _validate(item: Any, found: Units, index: int, *, lenient: bool) -> Unit:
    """Normalise the forms people and models use (week "3" or "Week 3", priority "medium", a list as the
    description), then validate strictly. `lenient` (the model's answers) cuts over-long text instead of
    losing the unit: models write long."""
    if not isinstance(item, dict):
        return Unit.model_validate(item)  # raises: not an object
    previous = found.units[-1].week if found.units else None
    data = {
        "title": _text(item.get("title", item.get("name"))),
        "description": _description(item.get("description", item.get("details", ""))),
        "week": _week(item, previous),
        "priority": _priority(item.get("priority"), found, index),
    }
    data = {key: value for key, value in data.items() if value is not None}  # missing: "Field required"
    if lenient:
        data.update(_shortened(data))
    return Unit.model_validate(data)


def _text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _description(value: Any) -> Any:
    if isinstance(value, list):
        return "\n".join(f"- {str(line).strip()}" for line in value)
    return _text(value) if value is not None else ""


def _week(item: dict[str, Any], previous: int | None) -> Any:
    """The unit's week: a number, a numeric string, "Week 3"; else from the title ("Week 3: ..."); else the week
    of the unit before it (a roadmap lists a week's units together); else None (an error)."""
    value = item.get("week")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        match = WEEK_IN_TEXT.search(value) or re.fullmatch(r"\s*(\d{1,3})\s*", value)
        return int(match.group(1)) if match else value
    if value is not None:
        return value
    match = WEEK_IN_TEXT.search(str(item.get("title", "")))
    if match:
        return int(match.group(1))
    return previous


def _priority(value: Any, found: Units, index: int) -> str:
    if value is None or value == "":
        return "normal"
    word = PRIORITY_WORDS.get(str(value).strip().lower())
    if word is None:
        found.warnings.append(f"Unit {index + 1} had the priority {str(value)[:40]!r}; it was set to normal.")
        return "normal"
    return word


def _shortened(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, limit in (("title", 200), ("description", 4000)):
        value = data.get(key)
        if isinstance(value, str) and len(value) > limit:
            out[key] = value[: limit - 1] + "…"
    return out
