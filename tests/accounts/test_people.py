"""GET /api/people: every signed-in user can pick colleagues, and learns only their names."""

from __future__ import annotations

from tests.conftest import Actor, create_user


def test_people_lists_active_users_with_names_only(admin: Actor, user: Actor) -> None:
    create_user(admin, "alice", display_name="Alice Smith", team="Red", job_title="Analyst")
    gone = create_user(admin, "gone")
    assert admin.patch(f"/api/users/{gone['id']}", json={"active": False}).status_code == 200
    body = user.get("/api/people").json()
    assert [p["username"] for p in body["items"]] == ["admin", "alice", "user"]
    assert body["total"] == 3
    assert set(body["items"][1]) == {"id", "username", "display_name"}
    assert body["items"][1]["display_name"] == "Alice Smith"


def test_people_search_matches_user_and_display_names_literally(admin: Actor, user: Actor) -> None:
    create_user(admin, "alice", display_name="Alice Smith")
    create_user(admin, "bob_50", display_name="Robert")
    assert [p["username"] for p in user.get("/api/people", params={"q": "SMITH"}).json()["items"]] == ["alice"]
    assert [p["username"] for p in user.get("/api/people", params={"q": "_5"}).json()["items"]] == ["bob_50"]
    assert user.get("/api/people", params={"q": "%"}).json()["items"] == []


def test_people_search_folds_every_letter(admin: Actor, user: Actor) -> None:
    create_user(admin, "jose", display_name="JOSÉ Álvarez")
    assert [p["username"] for p in user.get("/api/people", params={"q": "álvarez"}).json()["items"]] == ["jose"]
    assert [p["username"] for p in user.get("/api/people", params={"q": "josé"}).json()["items"]] == ["jose"]


def test_people_pages(admin: Actor, user: Actor) -> None:
    for name in ("pat", "pia", "pim"):
        create_user(admin, name)
    body = user.get("/api/people", params={"limit": 2, "offset": 1}).json()
    assert [p["username"] for p in body["items"]] == ["pat", "pia"]
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 1)


def test_people_refuses_unknown_or_bad_parameters(user: Actor) -> None:
    assert user.get("/api/people", params={"role": "admin"}).status_code == 422
    assert user.get("/api/people", params={"limit": 0}).status_code == 422
