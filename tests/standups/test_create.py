"""POST /api/standups: one entry per user per local day, for today or the next working day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from starlette.applications import Starlette

from tests.conftest import Actor
from tests.standups.conftest import (
    FRIDAY,
    FRIDAY_LATE_UTC,
    MONDAY,
    SATURDAY,
    SetClock,
    error,
    file,
    filed,
    make_project,
    person,
    set_setting,
)


def test_create_files_for_my_today_with_me_as_author(user: Actor) -> None:
    body = filed(user, yesterday="Read the contract", blockers="")
    assert body["author"] == {"id": user.user["id"], "username": "user", "display_name": ""}
    assert body["day"] == datetime.now(UTC).date().isoformat()  # the user and the appliance are on UTC
    assert (body["yesterday"], body["today"], body["blockers"]) == ("Read the contract", "Write the standups slice", "")
    assert body["project"] is None
    assert body["can_edit"] is True
    assert body["tasks"] == []


def test_create_refuses_a_name_field_b8(user: Actor) -> None:
    """Upstream B8: a required dummy `name` that was then overwritten. The author is the caller; no such field."""
    response = file(user, name="someone else")
    assert response.status_code == 422
    assert error(response)["detail"][0]["field"] == "name"


def test_create_second_entry_same_day_is_409_with_the_existing_id(user: Actor) -> None:
    first = filed(user)
    response = file(user, today="Again")
    assert response.status_code == 409
    assert error(response)["code"] == "standup_exists"
    assert error(response)["detail"] == {"id": first["id"]}


def test_create_for_the_next_working_day_is_allowed(user: Actor, set_clock: SetClock) -> None:
    set_clock(datetime(2024, 3, 8, 17, 0, tzinfo=UTC))  # Friday evening: the next working day is Monday
    assert filed(user, day=MONDAY.isoformat())["day"] == MONDAY.isoformat()
    assert filed(user)["day"] == FRIDAY.isoformat()  # today is still free


@pytest.mark.parametrize("day", ["2024-03-07", "2024-03-09", "2024-03-12", "2025-03-08"])
def test_create_for_any_other_day_is_422_on_day(user: Actor, set_clock: SetClock, day: str) -> None:
    set_clock(datetime(2024, 3, 8, 12, 0, tzinfo=UTC))
    response = file(user, day=day)
    assert response.status_code == 422
    assert error(response)["detail"] == [
        {"field": "day", "message": "must be your today (2024-03-08) or next working day (2024-03-11)"}
    ]


def test_create_on_a_saturday_allows_saturday_and_monday(user: Actor, set_clock: SetClock) -> None:
    set_clock(datetime(2024, 3, 9, 12, 0, tzinfo=UTC))
    assert file(user, day="2024-03-10").status_code == 422  # Sunday is not a working day
    assert filed(user, day=MONDAY.isoformat())["day"] == MONDAY.isoformat()
    assert filed(user)["day"] == SATURDAY.isoformat()


def test_create_far_east_user_near_utc_midnight_gets_their_own_day_b7(
    app: Starlette, admin: Actor, set_clock: SetClock
) -> None:
    """Upstream B7: "today" came from the server's clock, so entries landed on the wrong day near midnight."""
    kiri = person(app, admin, "kiri", time_zone="Pacific/Kiritimati")  # UTC+14
    set_clock(FRIDAY_LATE_UTC)  # Friday 23:30 UTC = Saturday 13:30 in Kiritimati
    assert filed(kiri)["day"] == SATURDAY.isoformat()
    assert file(kiri, day=FRIDAY.isoformat()).status_code == 422  # the UTC day is already their yesterday


def test_create_far_west_user_near_utc_midnight_is_still_on_friday_b7(
    app: Starlette, admin: Actor, set_clock: SetClock
) -> None:
    pago = person(app, admin, "pago", time_zone="Pacific/Pago_Pago")  # UTC-11
    set_clock(datetime(2024, 3, 9, 0, 30, tzinfo=UTC))  # Saturday 00:30 UTC = Friday 13:30 in Pago Pago
    assert filed(pago)["day"] == FRIDAY.isoformat()
    assert filed(pago, day=MONDAY.isoformat())["day"] == MONDAY.isoformat()


def test_create_one_per_local_day_not_per_utc_day_b7(app: Starlette, admin: Actor, set_clock: SetClock) -> None:
    """Two instants on the same UTC day but on two local days give two entries; the reverse gives a 409."""
    kiri = person(app, admin, "kiri", time_zone="Pacific/Kiritimati")
    set_clock(datetime(2024, 3, 8, 9, 50, tzinfo=UTC))  # 23:50 on Friday in Kiritimati
    assert filed(kiri)["day"] == FRIDAY.isoformat()
    set_clock(datetime(2024, 3, 8, 10, 10, tzinfo=UTC))  # 00:10 on Saturday there, same UTC day
    assert filed(kiri)["day"] == SATURDAY.isoformat()
    set_clock(datetime(2024, 3, 9, 9, 0, tzinfo=UTC))  # next UTC day, still Saturday there
    assert file(kiri).status_code == 409


def test_create_without_a_user_zone_uses_the_appliance_zone(user: Actor, admin: Actor, set_clock: SetClock) -> None:
    set_setting(admin, "time_zone", "Asia/Tokyo")  # UTC+9
    set_clock(FRIDAY_LATE_UTC)
    assert filed(user)["day"] == SATURDAY.isoformat()


def test_create_day_follows_the_real_clock_in_the_users_zone(app: Starlette, admin: Actor) -> None:
    kiri = person(app, admin, "kiri", time_zone="Pacific/Kiritimati")
    before = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    day = date.fromisoformat(filed(kiri)["day"])
    assert before <= day <= before + timedelta(days=1)


def test_create_with_every_section_empty_is_422(user: Actor) -> None:
    response = user.post("/api/standups", json={"yesterday": " ", "today": "", "blockers": ""})
    assert response.status_code == 422
    assert "at least one" in error(response)["message"]


def test_create_section_longer_than_10000_is_422(user: Actor) -> None:
    response = file(user, blockers="x" * 10_001)
    assert response.status_code == 422
    assert error(response)["detail"][0]["field"] == "blockers"


def test_create_bad_day_format_is_422(user: Actor) -> None:
    assert file(user, day="tomorrow").status_code == 422


def test_create_in_a_project_as_its_viewer(app: Starlette, admin: Actor, user: Actor) -> None:
    project_id = make_project(admin, viewer=user)
    body = filed(user, project_id=project_id)
    assert body["project"] == {"id": project_id, "name": "Apollo"}


def test_create_in_a_project_i_cannot_see_is_404(admin: Actor, user: Actor) -> None:
    project_id = make_project(admin)
    response = file(user, project_id=project_id)
    assert response.status_code == 404
    assert error(response)["code"] == "project_not_found"
    assert file(user, project_id=999_999).status_code == 404


def test_create_needs_json(user: Actor) -> None:
    response = user.client.post("/api/standups", content=b"today=x", headers=user.headers)
    assert response.status_code == 415
