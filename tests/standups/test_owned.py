"""Deleting a user who filed standups: refused, or their entries move to the user named by reassign_to."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import Actor
from tests.standups.conftest import SetClock, error, filed


def delete_user(admin: Actor, actor: Actor, **params: object) -> int:
    return admin.delete(f"/api/users/{actor.user['id']}", params=params).status_code


def test_deleting_an_author_is_refused_naming_the_standups(admin: Actor, user: Actor) -> None:
    filed(user)
    response = admin.delete(f"/api/users/{user.user['id']}")
    assert response.status_code == 409
    assert error(response)["detail"] == {"standups": 1}
    assert "1 standups" in error(response)["message"]


def test_reassign_moves_entries_to_the_other_user(admin: Actor, user: Actor, other: Actor) -> None:
    entry = filed(user)
    assert delete_user(admin, user, reassign_to=other.user["id"]) == 204
    assert other.get(f"/api/standups/{entry['id']}").json()["author"]["username"] == "other"


def test_reassign_merges_a_day_both_filed_keeping_text_and_tasks(
    admin: Actor, user: Actor, other: Actor, set_clock: SetClock
) -> None:
    set_clock(datetime(2024, 3, 8, 9, tzinfo=UTC))
    theirs = filed(other, blockers="")
    leaving = filed(user, yesterday="Fixed the build", blockers="Need access")
    task = user.post(f"/api/standups/{leaving['id']}/convert", json={"items": [{"section": "blockers", "text": "Ask"}]})
    task_id = task.json()["tasks"][0]["id"]
    set_clock(datetime(2024, 3, 11, 9, tzinfo=UTC))
    moved = filed(user)
    assert delete_user(admin, user, reassign_to=other.user["id"]) == 204
    merged = admin.get(f"/api/standups/{theirs['id']}").json()
    assert merged["yesterday"] == "_From user:_\n\nFixed the build"
    assert merged["today"] == f"{theirs['today']}\n\n_From user:_\n\n{leaving['today']}"
    assert merged["blockers"] == "_From user:_\n\nNeed access"
    assert [t["id"] for t in merged["tasks"]] == [task_id]
    assert admin.get(f"/api/standups/{leaving['id']}").status_code == 404
    assert admin.get(f"/api/standups/{moved['id']}").json()["author"]["username"] == "other"
