"""Validation errors in plain words: pydantic's messages ("Value error, use at least 10 characters", "Input should
be greater than or equal to 1") are written for programmers; a form shows these next to its fields instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

FieldError = dict[str, str]


def _items(count: object) -> str:
    return "1 item" if count == 1 else f"{count} items"


def _characters(count: object) -> str:
    return "1 character" if count == 1 else f"{count} characters"


def _choices(expected: object) -> str:
    # pydantic spells them "'a', 'b' or 'c'"; the quotes are for programmers.
    return str(expected).replace("'", "")


def _own(ctx: Mapping[str, Any]) -> str:
    """A validator's own message (a ValueError or an assertion): already written for people."""
    error = ctx.get("error")
    return str(error) if error is not None else ""


# By pydantic error type: the plain message, from the error's context (limits, choices).
_PLAIN: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda ctx: "required",
    "extra_forbidden": lambda ctx: "unknown field",
    "value_error": _own,
    "assertion_error": _own,
    "string_type": lambda ctx: "must be text",
    "string_too_short": lambda ctx: (
        "must not be empty" if ctx.get("min_length") == 1 else f"use at least {_characters(ctx.get('min_length'))}"
    ),
    "string_too_long": lambda ctx: f"use at most {_characters(ctx.get('max_length'))}",
    "string_pattern_mismatch": lambda ctx: "has characters or a form that is not allowed here",
    "int_type": lambda ctx: "must be a whole number",
    "int_parsing": lambda ctx: "must be a whole number",
    "int_from_float": lambda ctx: "must be a whole number",
    "float_type": lambda ctx: "must be a number",
    "float_parsing": lambda ctx: "must be a number",
    "bool_type": lambda ctx: "must be true or false",
    "bool_parsing": lambda ctx: "must be true or false",
    "greater_than_equal": lambda ctx: f"must be at least {ctx.get('ge')}",
    "greater_than": lambda ctx: f"must be more than {ctx.get('gt')}",
    "less_than_equal": lambda ctx: f"must be at most {ctx.get('le')}",
    "less_than": lambda ctx: f"must be less than {ctx.get('lt')}",
    "literal_error": lambda ctx: f"must be one of {_choices(ctx.get('expected'))}",
    "enum": lambda ctx: f"must be one of {_choices(ctx.get('expected'))}",
    "date_type": lambda ctx: "must be a date like 2026-12-31",
    "date_parsing": lambda ctx: "must be a date like 2026-12-31",
    "date_from_datetime_parsing": lambda ctx: "must be a date like 2026-12-31",
    "datetime_type": lambda ctx: "must be a date and time like 2026-12-31T09:30:00Z",
    "datetime_parsing": lambda ctx: "must be a date and time like 2026-12-31T09:30:00Z",
    "datetime_from_date_parsing": lambda ctx: "must be a date and time like 2026-12-31T09:30:00Z",
    "list_type": lambda ctx: "must be a list",
    "too_short": lambda ctx: f"needs at least {_items(ctx.get('min_length'))}",
    "too_long": lambda ctx: f"takes at most {_items(ctx.get('max_length'))}",
    "dict_type": lambda ctx: "must be a JSON object",
    "model_type": lambda ctx: "must be a JSON object",
    "model_attributes_type": lambda ctx: "must be a JSON object",
    "url_parsing": lambda ctx: "must be a URL like https://example.org",
    "url_scheme": lambda ctx: "must be a URL like https://example.org",
    "json_invalid": lambda ctx: "is not valid JSON",
}


def plain_message(error: ErrorDetails) -> str:
    """The message for one pydantic error, without its "Value error, " prefix or programmer's wording. A type not
    in the table keeps pydantic's message (still better than none)."""
    plain = _PLAIN.get(error["type"])
    message = plain(error.get("ctx") or {}) if plain is not None else ""
    return message or error["msg"]


def field_errors(exc: ValidationError, name: Callable[[tuple[int | str, ...]], str]) -> list[FieldError]:
    """One {"field", "message"} per error, every error (a form shows them all at once, not the first only);
    `name` turns an error's location into the field name the client knows."""
    return [{"field": name(err["loc"]), "message": plain_message(err)} for err in exc.errors(include_url=False)]
