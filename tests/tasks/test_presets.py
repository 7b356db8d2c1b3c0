"""Saved filter presets: per user, validated like the list, unique names, private."""

from __future__ import annotations

import pytest

from tests.conftest import Actor
from tests.projects.conftest import error, fields, ok
from tests.tasks.conftest import Team


def test_presets_round_trip(user: Actor) -> None:
    filters = {"status": ["blocked", "todo"], "mine": True, "archived": "all", "limit": 10}
    made = ok(user.post("/api/tasks/presets", json={"name": "Stuck", "filters": filters}), 201)
    assert made["filters"] == {"status": ["blocked", "todo"], "mine": True, "archived": "all"}
    assert ok(user.get("/api/tasks/presets"))["items"] == [made]


def test_preset_filters_work_as_list_parameters(user: Actor) -> None:
    made = ok(user.post("/api/tasks/presets", json={"name": "Due", "filters": {"due_before": "2030-01-01"}}), 201)
    assert ok(user.get("/api/tasks", params=made["filters"]))["total"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"filters": {}}, "name"),
        ({"name": "", "filters": {}}, "name"),
        ({"name": "x" * 61, "filters": {}}, "name"),
        ({"name": "Bad"}, "filters"),
        ({"name": "Bad", "filters": {"status": ["closed"]}}, "filters.status.0"),
        ({"name": "Bad", "filters": {"colour": "red"}}, "filters.colour"),
    ],
)
def test_preset_is_validated(user: Actor, body: dict[str, object], field: str) -> None:
    assert field in fields(user.post("/api/tasks/presets", json=body))


def test_preset_names_are_unique_per_user(team: Team) -> None:
    ok(team.bob.post("/api/tasks/presets", json={"name": "Mine", "filters": {}}), 201)
    assert error(team.bob.post("/api/tasks/presets", json={"name": "Mine", "filters": {}}), 409)["code"] == (
        "preset_name_taken"
    )
    ok(team.carol.post("/api/tasks/presets", json={"name": "Mine", "filters": {}}), 201)


def test_presets_are_private(team: Team) -> None:
    made = ok(team.bob.post("/api/tasks/presets", json={"name": "Bob's", "filters": {}}), 201)
    assert ok(team.carol.get("/api/tasks/presets"))["items"] == []
    assert error(team.admin.delete(f"/api/tasks/presets/{made['id']}"), 404)["code"] == "preset_not_found"
    ok(team.bob.delete(f"/api/tasks/presets/{made['id']}"), 204)
    assert error(team.bob.delete(f"/api/tasks/presets/{made['id']}"), 404)["code"] == "preset_not_found"
