"""GET /api/find: every word matches, best first, #123 is a task, and only what the caller may open."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.conftest import USER_PASSWORD, Actor, create_user, sign_in
from tests.finder.conftest import find, new_note, new_project, new_task, titles


def test_a_task_is_found_by_a_word_of_its_title_anywhere_in_a_word(admin: Actor) -> None:
    project = new_project(admin, "Apollo")
    task = new_task(admin, "Redeploy the Staging server", project_id=new_project(admin, "Gemini"))
    other = new_task(admin, "Write the release notes", project_id=project)
    hits = find(admin, "STAGING")["task"]
    assert hits == [
        {
            "id": task,
            "title": "Redeploy the Staging server",
            "subtitle": f"#{task} · Gemini · To do",
            "url": f"/tasks/{task}",
        }
    ]
    assert titles(find(admin, "deplo")["task"]) == ["Redeploy the Staging server"]  # inside a word
    assert [hit["id"] for hit in find(admin, "notes")["task"]] == [other]


def test_every_word_of_the_query_must_match(admin: Actor) -> None:
    new_task(admin, "Deploy to staging")
    new_task(admin, "Deploy to production")
    assert titles(find(admin, "deploy staging")["task"]) == ["Deploy to staging"]
    assert titles(find(admin, "staging   deploy")["task"]) == ["Deploy to staging"]  # any order, any spacing
    assert find(admin, "deploy nowhere")["task"] == []


def test_every_letter_folds_in_the_database_as_in_python(admin: Actor) -> None:
    """Tasks are matched in SQL, people in Python: "müller" finds both, on SQLite as on PostgreSQL."""
    new_task(admin, "Call MÜLLER about the Übergabe")
    create_user(admin, "mueller", display_name="Anna Müller")
    found = find(admin, "müller")
    assert titles(found["task"]) == ["Call MÜLLER about the Übergabe"]
    assert [hit["title"] for hit in found["person"]] == ["Anna Müller"]
    assert titles(find(admin, "übergabe")["task"]) == ["Call MÜLLER about the Übergabe"]


def test_best_matches_come_first(admin: Actor) -> None:
    for title in ("Undocumented backup", "Backup notes", "Nightly backup", "backup"):
        new_task(admin, title)
    # The whole name, then names that start with it, then the word at a word's start, then inside a word.
    assert titles(find(admin, "backup")["task"]) == ["backup", "Backup notes", "Nightly backup", "Undocumented backup"]
    archived = new_task(admin, "Archived backup plan")
    assert admin.patch(f"/api/tasks/{archived}", json={"archived": True}).status_code == 200
    new_task(admin, "Finished backup plan", status="done")
    new_task(admin, "Open backup plan")
    # Equal matches: open before done before archived.
    assert titles(find(admin, "plan")["task"]) == ["Open backup plan", "Finished backup plan", "Archived backup plan"]


def test_hash_number_finds_that_task(admin: Actor) -> None:
    first = new_task(admin, "Rotate the keys")
    second = new_task(admin, "Renew the certificate")
    assert [hit["id"] for hit in find(admin, f"#{second}")["task"]] == [second]
    assert [hit["id"] for hit in find(admin, f"#{first} rotate")["task"]] == [first]
    assert find(admin, f"#{first} certificate")["task"] == []  # its other words must be in the title too
    assert find(admin, "#99999")["task"] == []


def test_an_outsider_never_sees_a_private_project_or_anything_in_it(app: Starlette, admin: Actor) -> None:
    create_user(admin, "member")
    create_user(admin, "outsider")
    member, outsider = sign_in(app, "member", USER_PASSWORD), sign_in(app, "outsider", USER_PASSWORD)
    project = new_project(admin, "Secret Falcon", member=member)
    task = new_task(member, "Falcon launch checklist", project_id=project)
    new_note(member, "Falcon runbook", project_id=project)
    new_note(member, "Falcon public FAQ")
    seen = find(member, "falcon")
    assert titles(seen["task"]) == ["Falcon launch checklist"]
    assert titles(seen["project"]) == ["Secret Falcon"]
    assert sorted(titles(seen["document"])) == ["Falcon public FAQ", "Falcon runbook"]
    hidden = find(outsider, "falcon")
    assert (hidden["task"], hidden["project"]) == ([], [])
    assert titles(hidden["document"]) == ["Falcon public FAQ"]
    assert find(outsider, f"#{task}")["task"] == []


def test_personal_tasks_are_found_only_by_their_creator_and_assignee(app: Starlette, admin: Actor) -> None:
    for name in ("creator", "assignee", "bystander"):
        create_user(admin, name)
    creator, assignee, bystander = (sign_in(app, n, USER_PASSWORD) for n in ("creator", "assignee", "bystander"))
    new_task(creator, "Personal errand", assignee_id=assignee.user["id"])
    assert titles(find(creator, "errand")["task"]) == ["Personal errand"]
    assert titles(find(assignee, "errand")["task"]) == ["Personal errand"]
    assert find(bystander, "errand")["task"] == []
    assert find(admin, "errand")["task"][0]["subtitle"].endswith("Personal · To do")  # administrators see all


def test_a_viewer_finds_the_project_its_tasks_and_documents_but_not_other_projects(
    app: Starlette, admin: Actor
) -> None:
    create_user(admin, "viewer")
    viewer = sign_in(app, "viewer", USER_PASSWORD)
    watched = new_project(admin, "Orbit watched", viewer=viewer)
    new_project(admin, "Orbit elsewhere")
    new_task(admin, "Orbit telemetry", project_id=watched)
    new_note(admin, "Orbit manual", project_id=watched)
    seen = find(viewer, "orbit")
    assert titles(seen["project"]) == ["Orbit watched"]
    assert titles(seen["task"]) == ["Orbit telemetry"]
    assert titles(seen["document"]) == ["Orbit manual"]
    assert seen["project"][0]["url"] == f"/projects/{watched}"
    assert seen["document"][0]["url"].startswith("/knowledge?doc=")
    assert sorted(titles(find(admin, "orbit")["project"])) == ["Orbit elsewhere", "Orbit watched"]


def test_people_are_active_users_by_display_name_or_user_name(admin: Actor) -> None:
    ada = create_user(admin, "alovelace", display_name="Ada Lovelace")
    gone = create_user(admin, "cbabbage", display_name="Charles Babbage")
    assert admin.patch(f"/api/users/{gone['id']}", json={"active": False}).status_code == 200
    assert find(admin, "ada love")["person"] == [
        {"id": ada["id"], "title": "Ada Lovelace", "subtitle": "@alovelace", "url": "/people/alovelace"}
    ]
    assert titles(find(admin, "alove")["person"]) == ["Ada Lovelace"]
    assert find(admin, "babbage")["person"] == []


def test_limit_is_per_group(admin: Actor) -> None:
    for number in range(7):
        new_task(admin, f"Batch item {number}")
    assert len(find(admin, "batch")["task"]) == 5
    assert len(find(admin, "batch", limit=2)["task"]) == 2
    assert len(find(admin, "batch", limit=20)["task"]) == 7


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"q": "a", "limit": 0}, "limit"),
        ({"q": "a", "limit": 21}, "limit"),
        ({"q": "a", "limit": "many"}, "limit"),
        ({"q": "a", "kind": "task"}, "kind"),
    ],
)
def test_bad_input_is_refused_with_422(user: Actor, params: dict[str, object], field: str) -> None:
    response = user.get("/api/find", params=params)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert field in str(error["detail"])


def test_anonymous_gets_401(client: TestClient) -> None:
    assert client.get("/api/find", params={"q": "a"}).status_code == 401


def test_wildcards_are_plain_characters(admin: Actor) -> None:
    new_task(admin, "Raise quota to 50%")
    new_task(admin, "Raise quota to 500")
    assert titles(find(admin, "50%")["task"]) == ["Raise quota to 50%"]
    assert find(admin, "a_b")["task"] == []
