"""The list's hand-written SQL: rows match TaskOut exactly, and the common queries walk an index in order."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from devcell.core.auth import Principal
from devcell.core.db import database, transaction
from devcell.tasks import _query
from devcell.tasks.schemas import TaskOut, TaskQuery
from tests.projects.conftest import ok
from tests.tasks.conftest import Team, new_task


def plan(query: TaskQuery, principal: Principal) -> str:
    with transaction():
        where, _ = _query.build_where(query, principal, "UTC")
        sql = f"{_query.SELECT}{where.sql()} ORDER BY {_query.order_sql(query.sort)} LIMIT 50"
        rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, where.params).fetchall()
    return "\n".join(str(row[3]) for row in rows)


def principal(team: Team) -> Principal:
    return Principal(user_id=team.uid(team.bob), username="bob", role="user")


def test_rows_are_exactly_task_out(team: Team) -> None:
    new_task(team.bob, "Bare")
    full = new_task(team.bob, "Full", project_id=team.project_id, assignee_id=team.uid(team.alice), status="done")
    ok(team.bob.post(f"/api/tasks/{full['id']}/comments", json={"body": "c"}), 201)
    for row in ok(team.bob.get("/api/tasks"))["items"]:
        assert TaskOut.model_validate(row).model_dump(mode="json") == row
        assert row == ok(team.bob.get(f"/api/tasks/{row['id']}"))


# SQLite's own query planner (EXPLAIN QUERY PLAN): PostgreSQL plans by its statistics, checked by neither.
@pytest.mark.parametrize("backend", ["sqlite"])
def test_project_page_walks_the_project_index_without_sorting(client: TestClient, team: Team) -> None:
    found = plan(TaskQuery(project=team.project_id), principal(team))
    assert "USING INDEX task_project (project_id=? AND archived=?)" in found
    assert "TEMP B-TREE" not in found


# SQLite's own query planner (EXPLAIN QUERY PLAN): PostgreSQL plans by its statistics, checked by neither.
@pytest.mark.parametrize("backend", ["sqlite"])
def test_unfiltered_page_walks_the_recent_index(client: TestClient, team: Team) -> None:
    found = plan(TaskQuery(), principal(team))
    assert "task_recent" in found
    assert "USE TEMP B-TREE FOR ORDER BY" not in found


# SQLite's own query planner (EXPLAIN QUERY PLAN): PostgreSQL plans by its statistics, checked by neither.
@pytest.mark.parametrize("backend", ["sqlite"])
def test_label_filter_and_checklist_counts_use_indexes(client: TestClient, team: Team) -> None:
    found = plan(TaskQuery(project=team.project_id, label=[1, 2]), principal(team))
    assert "SEARCH l USING PRIMARY KEY (task_id=? AND label_id=?)" in found
    assert "SEARCH k USING COVERING INDEX task_checklist_item_task (task_id=?)" in found
    assert "SCAN" not in found
