from tests.conftest import Actor


def test_admin_fixture_signs_in(admin: Actor, user: Actor) -> None:
    assert admin.get("/api/auth/me").json()["user"]["role"] == "admin"
    assert user.get("/api/auth/me").json()["user"]["username"] == "user"
