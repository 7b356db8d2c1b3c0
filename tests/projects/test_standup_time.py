"""A project's own standup time: "HH:MM" (appliance time zone) or empty for the global setting."""

from __future__ import annotations

import pytest

from tests.projects.conftest import Team, fields, new_project, ok


def test_a_new_project_follows_the_global_standup_time(team: Team) -> None:
    project = ok(team.alice.get(f"/api/projects/{team.project_id}"))
    assert project["standup_time"] == ""


def test_the_owner_sets_and_clears_the_standup_time(team: Team) -> None:
    url = f"/api/projects/{team.project_id}"
    assert ok(team.alice.patch(url, json={"standup_time": "14:15"}))["standup_time"] == "14:15"
    assert ok(team.bob.get(url))["standup_time"] == "14:15"
    assert ok(team.alice.patch(url, json={"standup_time": ""}))["standup_time"] == ""


def test_a_project_can_be_created_with_its_standup_time(team: Team) -> None:
    project_id = new_project(team.bob, "Gemini", standup_time="08:05")
    assert ok(team.bob.get(f"/api/projects/{project_id}"))["standup_time"] == "08:05"


@pytest.mark.parametrize("value", ["9:30", "24:00", "12:60", "noon", "12:3", "12:30:00", None])
def test_a_bad_standup_time_is_refused(team: Team, value: object) -> None:
    response = team.alice.patch(f"/api/projects/{team.project_id}", json={"standup_time": value})
    assert fields(response) == {"standup_time"}
    message = response.json()["error"]["detail"][0]["message"]
    assert ("24-hour clock" in message) or ("may not be null" in message) or ("at most 5" in message)


def test_members_may_not_change_the_standup_time(team: Team) -> None:
    response = team.bob.patch(f"/api/projects/{team.project_id}", json={"standup_time": "10:00"})
    assert response.status_code == 403
