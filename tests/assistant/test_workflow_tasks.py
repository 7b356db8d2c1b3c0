"""Tasks from a workflow's tasks artifact: in its project or another, personal on request, never twice."""

from __future__ import annotations

from typing import Any

import pytest

from devcell.assistant.workflows.service import task_titles
from tests.assistant.test_workflows import by_role, finished, start
from tests.conftest import Actor
from tests.fakes.llm_server import FakeLLM

TITLES = ["Add the export endpoint", "Write the export tests", "Document it"]


@pytest.fixture
def project(user: Actor) -> dict[str, Any]:
    response = user.post("/api/projects", json={"name": "Exports"})
    assert response.status_code == 201
    return dict(response.json())


@pytest.fixture
def run(user: Actor, fake_llm: FakeLLM, project: dict[str, Any]) -> dict[str, Any]:
    fake_llm.script = by_role
    done = finished(user, start(user, project_id=project["id"])["id"])
    assert done["task_titles"] == TITLES
    return done


def make(user: Actor, run: dict[str, Any], titles: list[str], **more: Any) -> Any:
    return user.post(f"/api/workflows/{run['id']}/tasks", json={"titles": titles, **more})


def test_titles_become_tasks_in_the_workflows_project(user: Actor, run: dict[str, Any], project: Any) -> None:
    response = make(user, run, run["task_titles"])
    assert response.status_code == 201, response.text
    body = response.json()
    assert [t["title"] for t in body["created"]] == TITLES
    assert body["skipped"] == []
    task = user.get(f"/api/tasks/{body['created'][0]['id']}").json()
    assert task["project"]["id"] == project["id"]
    assert f'From the workflow "{run["title"]}" (Feature planning, #{run["id"]}).' == task["description"]


def test_a_repeat_makes_no_duplicates(user: Actor, run: dict[str, Any]) -> None:
    first = make(user, run, TITLES[:2]).json()
    again = make(user, run, [*TITLES, "document IT", "Document it"]).json()
    assert [t["title"] for t in again["created"]] == ["Document it"]
    assert again["skipped"] == [TITLES[0], TITLES[1], "document IT", "Document it"]
    user.delete(f"/api/tasks/{first['created'][0]['id']}")
    after_delete = make(user, run, TITLES).json()  # a deleted task may be made again
    assert [t["title"] for t in after_delete["created"]] == [TITLES[0]]
    listed = user.get("/api/tasks?limit=200").json()["items"]
    assert sorted(t["title"] for t in listed) == sorted(TITLES)  # one each


def test_another_project_or_personal_on_request(user: Actor, run: dict[str, Any]) -> None:
    other = user.post("/api/projects", json={"name": "Other"}).json()
    moved = make(user, run, ["In the other project"], project_id=other["id"]).json()["created"][0]
    assert user.get(f"/api/tasks/{moved['id']}").json()["project"]["id"] == other["id"]
    personal = make(user, run, ["Personal one"], project_id=None).json()["created"][0]
    assert user.get(f"/api/tasks/{personal['id']}").json()["project"] is None


def test_a_project_i_cannot_see_is_404_and_nothing_is_made(admin: Actor, user: Actor, run: dict[str, Any]) -> None:
    hidden = admin.post("/api/projects", json={"name": "Hidden"}).json()
    response = make(user, run, TITLES, project_id=hidden["id"])
    assert response.status_code == 404
    assert make(user, run, TITLES).json()["skipped"] == []  # the failed call remembered nothing


@pytest.mark.parametrize("titles", [[], ["x"] * 51, ["x" * 201], ["  "]], ids=["none", "too-many", "too-long", "blank"])
def test_invalid_titles_are_422(user: Actor, run: dict[str, Any], titles: list[str]) -> None:
    assert make(user, run, titles).status_code == 422


def test_task_titles_are_the_top_level_items_of_the_artifact() -> None:
    markdown = (
        "Here is the plan:\n\n"
        "1. **Set up the schema** - tables and indexes\n"
        "2) Write the migration: forward only\n"
        "- [ ] Add `export` route — streams CSV\n"
        "  - a nested detail, not a task\n"
        "* Set up the schema\n"
        "+ \n"
        "Closing words.\n"
    )
    assert task_titles(markdown) == ["Set up the schema", "Write the migration", "Add export route"]
    assert task_titles("") == []
    assert len(task_titles("\n".join(f"- Task {n}" for n in range(80)))) == 50
