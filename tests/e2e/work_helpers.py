"""API shortcuts for the work-tracking browser tests: users, sign-in, CSRF, projects and tasks."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tests.e2e.conftest import expect

if TYPE_CHECKING:
    from playwright.sync_api import APIResponse, Page

PASSWORD = "work-pass-12345"


def csrf(page: Page) -> str:
    return str(page.request.get("/api/auth/me").json()["csrf_token"])


def api(page: Page, method: str, path: str, data: Any = None, expect_status: int | None = None) -> APIResponse:
    """A call in the page's session (cookies) with the CSRF header writes need."""
    headers = {"X-CSRF-Token": csrf(page)} if method != "GET" else {}
    answer = page.request.fetch(path, method=method, data=data, headers=headers)
    if expect_status is not None:
        assert answer.status == expect_status, f"{method} {path}: {answer.status} {answer.text()}"
    return answer


def create_user(admin: Page, username: str, display_name: str = "") -> None:
    body = {"username": username, "password": PASSWORD, "role": "user", "display_name": display_name}
    api(admin, "POST", "/api/users", body, expect_status=201)


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()
