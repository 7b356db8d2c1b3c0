"""GET /api/standups/export: a day's readable entries as a Markdown attachment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import Actor
from tests.standups.conftest import SetClock, error, filed, make_project, set_setting

DAY = "2024-03-08"


@pytest.fixture
def friday(set_clock: SetClock) -> None:
    set_clock(datetime(2024, 3, 8, 9, tzinfo=UTC))


@pytest.mark.usefixtures("friday")
def test_export_is_a_markdown_attachment_of_the_day(admin: Actor, user: Actor, other: Actor) -> None:
    admin.patch("/api/auth/me", json={"display_name": "Ada Admin"})
    filed(user, yesterday="- Read", today="- Write", blockers="")
    filed(admin, today="Review", blockers="Disk full")
    response = other.get(f"/api/standups/export?day={DAY}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="standups-{DAY}.md"'
    assert response.text == (
        f"# Standups {DAY}\n\n"
        "## Ada Admin (@admin)\n\n### Today\n\n- Review\n\n### Blockers\n\n- Disk full\n\n"
        "## user (@user)\n\n### Yesterday\n\n- Read\n\n### Today\n\n- Write\n"
    )


@pytest.mark.usefixtures("friday")
def test_export_lists_converted_tasks_and_project(admin: Actor, user: Actor) -> None:
    project_id = make_project(admin, member=user)
    entry = filed(user, project_id=project_id, blockers="CI red")
    user.post(f"/api/standups/{entry['id']}/convert", json={"items": [{"section": "blockers", "text": "Fix CI"}]})
    text = user.get(f"/api/standups/export?day={DAY}&project={project_id}").text
    assert text.startswith(f"# Standups {DAY} · Apollo\n\n## user (@user) · Apollo\n")
    assert "### Tasks\n\n- #1 Fix CI (blocked)\n" in text


@pytest.mark.usefixtures("friday")
def test_export_leaves_out_what_the_caller_cannot_read(admin: Actor, user: Actor, other: Actor) -> None:
    project_id = make_project(admin, member=user)
    filed(user, project_id=project_id)
    assert "No standups were filed" in other.get(f"/api/standups/export?day={DAY}").text
    filed(other)
    set_setting(admin, "standup_visibility", "private")
    text = user.get(f"/api/standups/export?day={DAY}").text
    assert "@user" in text
    assert "@other" not in text
    assert "@other" in admin.get(f"/api/standups/export?day={DAY}").text


@pytest.mark.usefixtures("friday")
def test_export_writes_each_line_as_a_list_item(user: Actor) -> None:
    filed(user, yesterday="Scheduled the window\nCreated tasks\n\n  still the second item", today="* Kept\n1. Numbered")
    text = user.get(f"/api/standups/export?day={DAY}").text
    assert "### Yesterday\n\n- Scheduled the window\n- Created tasks\n  still the second item\n\n" in text
    assert "### Today\n\n* Kept\n1. Numbered\n" in text


def test_export_of_a_project_i_cannot_see_is_404(admin: Actor, user: Actor) -> None:
    project_id = make_project(admin)
    assert user.get(f"/api/standups/export?day={DAY}&project={project_id}").status_code == 404


@pytest.mark.parametrize("query", ["", "?day=friday", f"?day={DAY}&format=pdf"])
def test_export_needs_a_valid_day(user: Actor, query: str) -> None:
    response = user.get(f"/api/standups/export{query}")
    assert response.status_code == 422
    assert error(response)["detail"][0]["field"].startswith("query")
