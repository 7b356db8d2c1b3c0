"""GET /api/standups/today: my local today, my next working day, my entry for today."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.applications import Starlette

from tests.conftest import Actor
from tests.standups.conftest import FRIDAY_LATE_UTC, MONDAY, SATURDAY, SetClock, filed, person


def test_today_without_an_entry(user: Actor, set_clock: SetClock) -> None:
    set_clock(datetime(2024, 3, 7, 12, tzinfo=UTC))  # a Thursday
    assert user.get("/api/standups/today").json() == {
        "day": "2024-03-07",
        "next_working_day": "2024-03-08",
        "mine": None,
    }


def test_today_shows_my_entry_for_today_not_the_next_days(user: Actor, set_clock: SetClock) -> None:
    set_clock(datetime(2024, 3, 8, 18, tzinfo=UTC))
    filed(user, day=MONDAY.isoformat())
    assert user.get("/api/standups/today").json()["mine"] is None
    entry = filed(user)
    assert user.get("/api/standups/today").json()["mine"] == entry


def test_today_is_the_users_local_day_b7(app: Starlette, admin: Actor, set_clock: SetClock) -> None:
    kiri = person(app, admin, "kiri", time_zone="Pacific/Kiritimati")
    set_clock(FRIDAY_LATE_UTC)
    body = kiri.get("/api/standups/today").json()
    assert (body["day"], body["next_working_day"]) == (SATURDAY.isoformat(), MONDAY.isoformat())
    assert admin.get("/api/standups/today").json()["day"] == "2024-03-08"
