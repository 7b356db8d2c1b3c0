"""The 422 envelope's field messages are plain words, every field's at once (issue #18, item 9); the envelope keeps
its shape: code, message ("field: what is wrong" for the first), detail [{field, message}, ...]."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from starlette.testclient import TestClient

from devcell.cli.common import validation_errors
from devcell.core.field_errors import plain_message


def _too_short(value: str) -> str:
    raise ValueError("use at least 10 characters")


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=3)] = "abc"
    note: Annotated[str, Field(min_length=4)] = "abcd"
    password: Annotated[str, AfterValidator(_too_short)] = ""
    days: Annotated[int, Field(ge=1, le=5)] = 1
    kind: Literal["bug", "task"] = "bug"
    done: bool = False
    items: Annotated[list[int], Field(min_length=1)] = [1]


def messages(data: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Form.model_validate(data)
    return {".".join(map(str, err["loc"])): plain_message(err) for err in caught.value.errors(include_url=False)}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password": "short"}, "password", "use at least 10 characters"),
        ({"title": ""}, "title", "must not be empty"),
        ({"title": "abcd"}, "title", "use at most 3 characters"),
        ({"note": "ab"}, "note", "use at least 4 characters"),
        ({"days": 0}, "days", "must be at least 1"),
        ({"days": 6}, "days", "must be at most 5"),
        ({"days": "many"}, "days", "must be a whole number"),
        ({"days": 1.5}, "days", "must be a whole number"),
        ({"kind": "epic"}, "kind", "must be one of bug or task"),
        ({"done": "maybe"}, "done", "must be true or false"),
        ({"items": []}, "items", "needs at least 1 item"),
        ({"items": "x"}, "items", "must be a list"),
        ({"colour": "red"}, "colour", "unknown field"),
    ],
)
def test_each_pydantic_error_reads_as_plain_words(data: dict[str, object], field: str, message: str) -> None:
    assert messages({"password": "long enough password", **data} if field != "password" else data)[field] == message


def test_no_message_keeps_a_pydantic_prefix() -> None:
    found = messages({"title": "", "password": "x", "days": 9, "kind": "?", "done": "?", "items": [], "x": 1})
    assert len(found) == 7  # every field's error, not the first only
    for message in found.values():
        assert not message.startswith(("Value error", "Input should", "String should", "List should", "Field "))


def test_setup_422_names_every_field_in_plain_words(client: TestClient) -> None:
    response = client.post("/api/setup", json={"setup_code": "x", "username": "A!", "password": "short"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert error["detail"] == [
        {
            "field": "username",
            "message": "use 3-32 characters: letters, digits, dot, dash or underscore, starting with a letter or digit",
        },
        {"field": "password", "message": "use at least 10 characters"},
    ]
    # The envelope's own message is still "field: message" of the first error (clients that show only it).
    assert error["message"] == f"username: {error['detail'][0]['message']}"


def test_a_missing_field_is_plain_too(client: TestClient) -> None:
    missing = client.post("/api/auth/login", json={"username": "admin"}).json()["error"]
    assert missing["detail"] == [{"field": "password", "message": "required"}]
    assert missing["message"] == "password: required"


def test_the_cli_says_the_same_plain_words() -> None:
    with pytest.raises(ValidationError) as caught:
        Form.model_validate({"password": "short", "days": 0})
    assert validation_errors(caught.value) == "password: use at least 10 characters; days: must be at least 1"
