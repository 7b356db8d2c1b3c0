"""@mentions in a project's description: the people mentioned who can see the project (its members, admins) are
told once; an outsider is told nothing, and editing tells only the newly mentioned."""

from __future__ import annotations

from tests.notifications.conftest import Team, inbox, unread
from tests.projects.conftest import ok


def test_a_mention_in_a_project_description_tells_its_members_only(team: Team) -> None:
    path = f"/api/projects/{team.project_id}"
    ok(team.alice.patch(path, json={"description": "Questions to @bob; @dave knows the relay."}))
    [told] = inbox(team.bob)
    assert told["kind"] == "mention"
    assert told["title"].startswith("Alice mentioned you in the project “")
    assert told["link"] == f"/projects/{team.project_id}"
    assert unread(team.dave) == 0  # not in the project: he cannot open it

    ok(team.alice.patch(path, json={"description": "Questions to @bob and @carol."}))
    assert unread(team.bob) == 1  # the same mention again is no news
    assert [n["kind"] for n in inbox(team.carol)] == ["mention"]  # a viewer can see the project
    ok(team.alice.patch(path, json={"name": "Renamed"}))  # the text did not change
    assert unread(team.carol) == 1


def test_a_new_project_tells_whom_its_description_mentions_once_they_can_see_it(team: Team) -> None:
    body = {"name": "Hermes", "description": "Lead: @bob, with @admin"}
    ok(team.alice.post("/api/projects", json=body), 201)
    assert unread(team.bob) == 0  # not a member of the new project yet
    assert [n["kind"] for n in inbox(team.admin)] == ["mention"]  # administrators see every project
    assert unread(team.alice) == 0  # the author is never told about their own text
