"""GET /api/standups and /api/standups/{id}: history filters and who may read what."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.applications import Starlette

from tests.conftest import Actor
from tests.standups.conftest import FRIDAY, MONDAY, SetClock, error, filed, make_project, person, set_setting


def days_of(actor: Actor, query: str = "") -> list[tuple[str, str]]:
    response = actor.get(f"/api/standups{query}")
    assert response.status_code == 200, response.text
    return [(item["author"]["username"], item["day"]) for item in response.json()["items"]]


@pytest.fixture
def history(user: Actor, other: Actor, set_clock: SetClock) -> None:
    """user: Thu, Fri, Mon; other: Fri (all unscoped)."""
    for instant, actors in (
        (datetime(2024, 3, 7, 9, tzinfo=UTC), [user]),
        (datetime(2024, 3, 8, 9, tzinfo=UTC), [user, other]),
        (datetime(2024, 3, 11, 9, tzinfo=UTC), [user]),
    ):
        set_clock(instant)
        for actor in actors:
            filed(actor)


@pytest.mark.usefixtures("history")
def test_list_is_newest_day_first_with_everyone_in_team_mode(other: Actor) -> None:
    listed = days_of(other)
    assert [day for _, day in listed] == ["2024-03-11", "2024-03-08", "2024-03-08", "2024-03-07"]
    assert sorted(listed)[0] == ("other", "2024-03-08")


@pytest.mark.usefixtures("history")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?day=2024-03-08", [("other", "2024-03-08"), ("user", "2024-03-08")]),
        ("?from=2024-03-08", [("user", "2024-03-11"), ("other", "2024-03-08"), ("user", "2024-03-08")]),
        ("?to=2024-03-07", [("user", "2024-03-07")]),
        ("?from=2024-03-08&to=2024-03-10", [("other", "2024-03-08"), ("user", "2024-03-08")]),
        ("?author=3", [("other", "2024-03-08")]),
        ("?day=2024-03-09", []),
    ],
)
def test_list_filters_by_day_range_and_person(user: Actor, query: str, expected: list[tuple[str, str]]) -> None:
    assert user.user["id"] == 2  # the admin is 1, `user` 2, `other` 3
    assert days_of(user, query) == expected


@pytest.mark.usefixtures("history")
def test_list_pages_with_total(user: Actor) -> None:
    body = user.get("/api/standups?limit=2&offset=1").json()
    assert (body["total"], body["limit"], body["offset"], len(body["items"])) == (4, 2, 1, 2)
    assert [item["day"] for item in body["items"]] == ["2024-03-08", "2024-03-08"]


@pytest.mark.parametrize("query", ["?limit=0", "?limit=201", "?offset=-1", "?day=yesterday", "?author=me", "?mine=1"])
def test_list_bad_query_is_422(user: Actor, query: str) -> None:
    response = user.get(f"/api/standups{query}")
    assert response.status_code == 422
    assert error(response)["detail"][0]["field"].startswith("query.")


@pytest.mark.usefixtures("history")
def test_private_mode_shows_non_admins_only_their_own(admin: Actor, user: Actor, other: Actor) -> None:
    set_setting(admin, "standup_visibility", "private")
    assert days_of(other) == [("other", "2024-03-08")]
    assert days_of(other, "?author=2") == []
    assert len(days_of(admin)) == 4


def test_private_mode_hides_someone_elses_entry_as_404(admin: Actor, user: Actor, other: Actor) -> None:
    entry = filed(user)
    set_setting(admin, "standup_visibility", "private")
    response = other.get(f"/api/standups/{entry['id']}")
    assert response.status_code == 404
    assert error(response)["code"] == "standup_not_found"
    assert user.get(f"/api/standups/{entry['id']}").status_code == 200
    assert admin.get(f"/api/standups/{entry['id']}").status_code == 200


def test_get_shows_can_edit_for_the_caller(admin: Actor, user: Actor, other: Actor) -> None:
    entry = filed(user)
    assert other.get(f"/api/standups/{entry['id']}").json()["can_edit"] is False
    assert user.get(f"/api/standups/{entry['id']}").json()["can_edit"] is True
    assert admin.get(f"/api/standups/{entry['id']}").json()["can_edit"] is True


def test_get_unknown_is_404(user: Actor) -> None:
    assert user.get("/api/standups/999999").status_code == 404


@pytest.fixture
def scoped(app: Starlette, admin: Actor, user: Actor) -> tuple[int, Actor, Actor]:
    """`user` files in a project where `reader` is a viewer; `outsider` is not a member."""
    reader = person(app, admin, "reader")
    outsider = person(app, admin, "outsider")
    project_id = make_project(admin, member=user, viewer=reader)
    return filed(user, project_id=project_id)["id"], reader, outsider


def test_project_entry_is_read_by_project_readers_only(scoped: tuple[int, Actor, Actor], admin: Actor) -> None:
    standup_id, reader, outsider = scoped
    assert reader.get(f"/api/standups/{standup_id}").status_code == 200
    assert admin.get(f"/api/standups/{standup_id}").status_code == 200
    assert outsider.get(f"/api/standups/{standup_id}").status_code == 404
    assert days_of(outsider) == []
    assert len(days_of(reader)) == 1


def test_list_by_project_is_404_for_an_outsider(scoped: tuple[int, Actor, Actor], admin: Actor) -> None:
    standup_id, reader, outsider = scoped
    project_id = reader.get(f"/api/standups/{standup_id}").json()["project"]["id"]
    assert [item["id"] for item in reader.get(f"/api/standups?project={project_id}").json()["items"]] == [standup_id]
    response = outsider.get(f"/api/standups?project={project_id}")
    assert response.status_code == 404
    assert error(response)["code"] == "project_not_found"


def test_list_by_project_leaves_out_unscoped_entries(admin: Actor, user: Actor, set_clock: SetClock) -> None:
    project_id = make_project(admin, member=user)
    set_clock(datetime(2024, 3, 8, 9, tzinfo=UTC))
    filed(user)
    scoped_entry = filed(user, day=MONDAY.isoformat(), project_id=project_id)
    assert [item["id"] for item in user.get(f"/api/standups?project={project_id}").json()["items"]] == [
        scoped_entry["id"]
    ]
    assert days_of(user, "?day=2024-03-08") == [("user", FRIDAY.isoformat())]


def test_author_still_reads_own_entry_after_leaving_the_project(admin: Actor, user: Actor) -> None:
    project_id = make_project(admin, member=user)
    entry = filed(user, project_id=project_id)
    assert user.delete(f"/api/projects/{project_id}/members/user").status_code == 204
    assert user.get(f"/api/standups/{entry['id']}").status_code == 200


def test_deleting_the_project_keeps_its_entries_unscoped(admin: Actor, user: Actor, other: Actor) -> None:
    project_id = make_project(admin, member=user)
    entry = filed(user, project_id=project_id)
    assert other.get(f"/api/standups/{entry['id']}").status_code == 404
    assert admin.delete(f"/api/projects/{project_id}?tasks=delete").status_code == 204
    body = other.get(f"/api/standups/{entry['id']}").json()
    assert body["project"] is None
