"""GET /api/notifications/mentionable: whom the caller may @mention in an item are exactly the people who can see
it (a mention of anyone else would notify nobody); the item itself is 404 for whoever cannot see it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devcell.core.config import Config, load_config
from tests.conftest import Actor
from tests.notifications.conftest import Team
from tests.projects.conftest import error, fields, ok
from tests.tasks.conftest import new_task

EVERYONE = ["admin", "alice", "bob", "carol", "dave"]
APOLLO = ["admin", "alice", "bob", "carol"]  # its members (any role) and the administrator
URL = "/api/notifications/mentionable"


@pytest.fixture
def config(tmp_path: Path, backend_env: dict[str, str]) -> Config:
    """The hashing embedder: a note's indexing job is instant and needs no model files."""
    return load_config({"DEVCELL_EMBEDDING_MODEL": "hashing-test", **backend_env}, data_dir=tmp_path / "data")


def offered(actor: Actor, **query: Any) -> list[str]:
    return sorted(p["username"] for p in ok(actor.get(URL, params=query))["items"])


def readers(team: Team) -> list[Actor]:
    return [team.admin, team.alice, team.bob, team.carol]


def test_a_project_task_offers_the_projects_members_and_admins(team: Team) -> None:
    task_id = new_task(team.alice, "Relay", project_id=team.project_id)["id"]
    for actor in readers(team):
        assert offered(actor, kind="task", id=task_id) == APOLLO
        assert offered(actor, kind="task", project_id=team.project_id) == APOLLO
    assert error(team.dave.get(URL, params={"kind": "task", "id": task_id}), 404)["code"] == "task_not_found"
    assert error(team.dave.get(URL, params={"kind": "task", "project_id": team.project_id}), 404)


def test_a_personal_task_offers_its_creator_assignee_and_admins(team: Team) -> None:
    task_id = new_task(team.dave, "Dave's own")["id"]
    assert offered(team.dave, kind="task", id=task_id) == ["admin", "dave"]
    assert offered(team.bob, kind="task") == ["admin", "bob"]  # a new personal task
    assert error(team.carol.get(URL, params={"kind": "task", "id": task_id}), 404)


def test_a_team_standup_offers_everyone_and_a_project_standup_its_readers(team: Team) -> None:
    assert offered(team.dave, kind="standup") == EVERYONE
    assert offered(team.bob, kind="standup", project_id=team.project_id) == APOLLO
    entry = ok(team.bob.post("/api/standups", json={"today": "Relay", "project_id": team.project_id}), 201)
    assert offered(team.carol, kind="standup", id=entry["id"]) == APOLLO
    assert error(team.dave.get(URL, params={"kind": "standup", "id": entry["id"]}), 404)["code"] == "standup_not_found"


def test_private_standups_offer_only_the_author_and_admins(team: Team) -> None:
    ok(team.admin.patch("/api/settings", json={"values": {"standup_visibility": "private"}}))
    assert offered(team.dave, kind="standup") == ["admin", "dave"]
    entry = ok(team.bob.post("/api/standups", json={"today": "Relay"}), 201)
    assert offered(team.bob, kind="standup", id=entry["id"]) == ["admin", "bob"]
    assert error(team.alice.get(URL, params={"kind": "standup", "id": entry["id"]}), 404)


def test_notes_offer_everyone_or_their_projects_readers(team: Team) -> None:
    assert offered(team.dave, kind="note") == EVERYONE
    assert offered(team.carol, kind="note", project_id=team.project_id) == APOLLO
    body = {"title": "Runbook", "text": "Steps", "project_id": team.project_id}
    note_id = ok(team.bob.post("/api/documents/notes", json=body), 201)["id"]
    assert offered(team.alice, kind="note", id=note_id) == APOLLO
    assert error(team.dave.get(URL, params={"kind": "note", "id": note_id}), 404)["code"] == "document_not_found"


def test_a_project_offers_its_readers(team: Team) -> None:
    for actor in readers(team):
        assert offered(actor, kind="project", id=team.project_id) == APOLLO
    assert error(team.dave.get(URL, params={"kind": "project", "id": team.project_id}), 404)
    assert error(team.dave.get(URL, params={"kind": "project", "id": 999}), 404)
    assert offered(team.dave, kind="project") == ["admin", "dave"]  # a new project: its creator and admins


def test_what_was_typed_narrows_and_orders_the_people(team: Team) -> None:
    ok(team.admin.patch(f"/api/users/{team.uid(team.dave)}", json={"display_name": "Carla Dean"}))
    items = ok(team.bob.get(URL, params={"kind": "note", "q": "CA"}))["items"]
    # carol's user name starts with it, then dave's display name has a word starting with it.
    assert [p["username"] for p in items] == ["carol", "dave"]
    assert set(items[0]) == {"id", "username", "display_name"}
    assert offered(team.bob, kind="note", q="zzz") == []
    assert len(ok(team.bob.get(URL, params={"kind": "note", "limit": 2}))["items"]) == 2


def test_deactivated_people_are_not_offered(team: Team) -> None:
    ok(team.admin.patch(f"/api/users/{team.uid(team.carol)}", json={"active": False}))
    assert offered(team.bob, kind="task", project_id=team.project_id) == ["admin", "alice", "bob"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "kind"),
        ({"kind": "wiki"}, "kind"),
        ({"kind": "task", "id": 1, "project_id": 1}, "project_id"),
        ({"kind": "project", "project_id": 1}, "project_id"),
        ({"kind": "task", "id": 0}, "id"),
        ({"kind": "task", "id": "one"}, "id"),
        ({"kind": "note", "q": "x" * 101}, "q"),
        ({"kind": "note", "limit": 0}, "limit"),
        ({"kind": "note", "limit": 51}, "limit"),
        ({"kind": "note", "scope": "all"}, "scope"),
    ],
)
def test_bad_queries_are_refused_with_the_field(team: Team, query: dict[str, Any], field: str) -> None:
    assert fields(team.bob.get(URL, params=query)) == {f"query.{field}"}


def test_signed_out_callers_are_refused(team: Team) -> None:
    team.bob.post("/api/auth/logout")
    assert team.bob.get(URL, params={"kind": "note"}).status_code == 401
