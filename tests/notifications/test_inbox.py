"""Who is told what: assignments, mentions, comments, status changes, blockers, jobs; never the one who acted,
never someone who cannot see the subject; read, unread and read-all; preferences; retention."""

from __future__ import annotations

from datetime import timedelta

from devcell.core.db import transaction, utcnow
from devcell.notifications import service
from devcell.notifications.models import Notification
from devcell.notifications.schemas import NotificationPage
from tests.conftest import Actor
from tests.notifications.conftest import Team, inbox, unread
from tests.projects.conftest import error, ok
from tests.tasks.conftest import new_task


def comment(actor: Actor, task_id: int, body: str) -> None:
    ok(actor.post(f"/api/tasks/{task_id}/comments", json={"body": body}), 201)


def everyone(team: Team) -> dict[str, Actor]:
    return {"admin": team.admin, "alice": team.alice, "bob": team.bob, "carol": team.carol, "dave": team.dave}


def counts(team: Team) -> dict[str, int]:
    return {name: unread(actor) for name, actor in everyone(team).items()}


def test_assigning_bob_and_mentioning_carol_tells_each_of_them_once_and_nobody_else(team: Team) -> None:
    task = new_task(team.alice, "Rotate the relay keys", project_id=team.project_id)["id"]
    ok(team.alice.patch(f"/api/tasks/{task}", json={"assignee_id": team.uid(team.bob)}))
    comment(team.alice, task, "@carol can you check the schedule?")
    assert counts(team) == {"admin": 0, "alice": 0, "bob": 1, "carol": 1, "dave": 0}
    [bob_note] = inbox(team.bob)
    # The comment joined Bob's unread assignment; the assignment keeps the headline.
    assert (bob_note["kind"], bob_note["title"], bob_note["events"]) == (
        "assigned",
        "Alice assigned you “Rotate the relay keys”",
        2,
    )
    assert bob_note["link"] == f"/tasks/{task}"
    assert bob_note["actor"]["username"] == "alice"
    [carol_note] = inbox(team.carol)
    assert (carol_note["kind"], carol_note["title"]) == ("mention", "Alice mentioned you on “Rotate the relay keys”")
    assert carol_note["excerpt"].startswith("@carol can you check")
    NotificationPage.model_validate(ok(team.carol.get("/api/notifications")))


def test_someone_who_cannot_see_the_task_is_not_told_they_were_mentioned(team: Team) -> None:
    task = new_task(team.alice, "Apollo secret", project_id=team.project_id)["id"]
    comment(team.alice, task, "@dave have a look")  # dave is in no project
    personal = new_task(team.bob, "Bob's own", description="ping @carol and @alice")["id"]
    assert counts(team) == {"admin": 0, "alice": 0, "bob": 0, "carol": 0, "dave": 0}
    assert personal  # a personal task is only its creator's and assignee's: nobody else was told


def test_a_mention_in_a_description_tells_only_the_newly_mentioned(team: Team) -> None:
    task = new_task(team.alice, "Plan", project_id=team.project_id, description="for @bob")["id"]
    assert [n["kind"] for n in inbox(team.bob)] == ["mention"]
    ok(team.alice.patch(f"/api/tasks/{task}", json={"description": "for @bob and @carol"}))
    assert unread(team.bob) == 1
    assert [n["kind"] for n in inbox(team.carol)] == ["mention"]


def test_code_mentions_nobody_and_unknown_names_are_ignored(team: Team) -> None:
    task = new_task(team.alice, "Code", project_id=team.project_id)["id"]
    comment(team.alice, task, "Run `@bob deploy` and\n```\n@carol\n```\nmail bob@example.org, @nobody")
    assert unread(team.bob) == 0
    assert unread(team.carol) == 0


def test_comments_reach_creator_assignee_and_watchers_but_not_who_unwatched(team: Team) -> None:
    task = new_task(team.alice, "Watch me", project_id=team.project_id, assignee_id=team.uid(team.bob))["id"]
    ok(team.bob.post("/api/notifications/read-all"))
    ok(team.carol.client.put(f"/api/tasks/{task}/watch", headers=team.carol.headers))
    assert ok(team.carol.get(f"/api/tasks/{task}/watch")) == {"watching": True}
    comment(team.bob, task, "Started")
    assert [n["kind"] for n in inbox(team.alice)] == ["comment"]  # the creator
    assert [n["kind"] for n in inbox(team.carol)] == ["comment"]  # a watcher
    assert unread(team.bob) == 0  # the one who wrote it
    ok(team.alice.delete(f"/api/tasks/{task}/watch"))
    assert ok(team.alice.get(f"/api/tasks/{task}/watch")) == {"watching": False}
    ok(team.alice.post("/api/notifications/read-all"))
    comment(team.bob, task, "Halfway")
    assert unread(team.alice) == 0
    assert unread(team.carol) == 1


def test_watching_a_project_hears_about_its_tasks(team: Team) -> None:
    ok(team.carol.client.put(f"/api/projects/{team.project_id}/watch", headers=team.carol.headers))
    task = new_task(team.bob, "Project news", project_id=team.project_id)["id"]
    ok(team.bob.patch(f"/api/tasks/{task}", json={"status": "in_progress"}))
    [note] = inbox(team.carol)
    assert (note["kind"], note["title"]) == ("status", "Bob moved “Project news” to In progress")


def test_status_changes_by_someone_else_reach_the_creator_and_assignee(team: Team) -> None:
    task = new_task(team.alice, "Status", project_id=team.project_id, assignee_id=team.uid(team.bob))["id"]
    ok(team.bob.post("/api/notifications/read-all"))
    ok(team.bob.patch(f"/api/tasks/{task}", json={"status": "blocked"}))
    assert [n["title"] for n in inbox(team.alice)] == ["Bob moved “Status” to Blocked"]
    assert unread(team.bob) == 0


def test_unassigning_tells_the_previous_assignee(team: Team) -> None:
    task = new_task(team.alice, "Hand over", project_id=team.project_id, assignee_id=team.uid(team.bob))["id"]
    ok(team.bob.post("/api/notifications/read-all"))
    ok(team.alice.patch(f"/api/tasks/{task}", json={"assignee_id": team.uid(team.alice)}))
    [note] = inbox(team.bob, unread="true")
    assert (note["kind"], note["title"]) == ("unassigned", "Alice unassigned you from “Hand over”")


def test_a_blocker_in_a_project_standup_tells_its_owners(team: Team) -> None:
    body = {"today": "Relay work", "blockers": "Waiting for the *new* keys from @carol", "project_id": team.project_id}
    ok(team.bob.post("/api/standups", json=body), 201)
    [owner_note] = inbox(team.alice)
    assert (owner_note["kind"], owner_note["title"]) == ("blocker", "Bob is blocked")
    assert owner_note["excerpt"] == "Waiting for the *new* keys from @carol"
    assert owner_note["link"].startswith("/standups?day=")
    assert [n["kind"] for n in inbox(team.carol)] == ["mention"]
    assert unread(team.dave) == 0


def test_reading_one_all_and_unread_again(team: Team) -> None:
    for title in ("One", "Two", "Three"):
        new_task(team.alice, title, project_id=team.project_id, assignee_id=team.uid(team.bob))
    notes = inbox(team.bob)
    assert [n["title"] for n in notes] == [f"Alice assigned you “{t}”" for t in ("Three", "Two", "One")]
    newest, middle, oldest = notes
    read = ok(team.bob.post(f"/api/notifications/{middle['id']}/read"))
    assert read["read_at"] is not None
    assert unread(team.bob) == 2
    assert [n["id"] for n in inbox(team.bob, unread="true")] == [newest["id"], oldest["id"]]
    ok(team.bob.delete(f"/api/notifications/{middle['id']}/read"))
    assert unread(team.bob) == 3
    assert ok(team.bob.post("/api/notifications/read-all", json={"up_to_id": middle["id"]})) == {"unread": 1}
    assert ok(team.bob.post("/api/notifications/read-all")) == {"unread": 0}


def test_another_users_notification_is_not_found(team: Team) -> None:
    new_task(team.alice, "Mine", project_id=team.project_id, assignee_id=team.uid(team.bob))
    [note] = inbox(team.bob)
    assert error(team.carol.post(f"/api/notifications/{note['id']}/read"), 404)["code"] == "notification_not_found"
    assert error(team.admin.post(f"/api/notifications/{note['id']}/read"), 404)["code"] == "notification_not_found"
    assert unread(team.bob) == 1


def test_leaving_a_project_hides_its_notifications(team: Team) -> None:
    new_task(team.alice, "Apollo only", project_id=team.project_id, assignee_id=team.uid(team.bob))
    assert unread(team.bob) == 1
    ok(team.alice.delete(f"/api/projects/{team.project_id}/members/bob"), 204)
    assert unread(team.bob) == 0
    assert inbox(team.bob) == []


def test_preferences_turn_a_kind_off(team: Team) -> None:
    prefs = ok(team.bob.get("/api/notifications/preferences"))["items"]
    assert all(p["enabled"] for p in prefs)
    assert {p["kind"] for p in prefs} >= {"assigned", "mention", "comment"}
    changed = ok(team.bob.patch("/api/notifications/preferences", json={"enabled": {"assigned": False}}))
    assert {p["kind"]: p["enabled"] for p in changed["items"]}["assigned"] is False
    new_task(team.alice, "Quiet", project_id=team.project_id, assignee_id=team.uid(team.bob))
    assert unread(team.bob) == 0
    refused = team.bob.patch("/api/notifications/preferences", json={"enabled": {"shouting": True}})
    assert refused.status_code == 422


def test_retention_prunes_old_notifications(team: Team) -> None:
    new_task(team.alice, "Old news", project_id=team.project_id, assignee_id=team.uid(team.bob))
    with transaction(write=True):
        Notification.update(created_at=utcnow() - timedelta(days=91)).execute()
    assert service.prune(92) == 0
    assert service.prune(90) == 1
    assert inbox(team.bob) == []
