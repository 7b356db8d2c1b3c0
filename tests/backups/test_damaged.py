"""The damaged database files a restore kept (damaged/<time>/): listed with their sizes, deleted only by an admin,
only by their stamp, and also when the disk is full (deleting them is how space comes back)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.app import create_app
from devcell.backups import _damaged
from devcell.backups._restore import DAMAGED_DIR, STAMP_FORMAT, set_aside_damaged
from devcell.backups.errors import DamagedNotFound
from devcell.core.config import Config, load_config
from tests.backups.conftest import ScriptedDisk
from tests.conftest import Actor, sign_in
from tests.serverproc import ADMIN_PASSWORD as CLI_ADMIN_PASSWORD
from tests.serverproc import cli, create_admin

MB = 1024 * 1024
STAMP = "20261204T195800Z"


def damaged_dir(config: Config) -> Path:
    return config.data_dir / DAMAGED_DIR


def set_aside(config: Config, stamp: str = STAMP) -> Path:
    """What a restore over a damaged database does with today's files (a copy of the live database serves)."""
    return set_aside_damaged(config.database_path, datetime.strptime(stamp, STAMP_FORMAT).replace(tzinfo=UTC))


def test_nothing_is_listed_when_no_database_was_ever_damaged(admin: Actor) -> None:
    response = admin.get("/api/backups/damaged")

    assert response.status_code == 200
    assert response.json() == {"items": [], "total_size": 0}


def test_a_kept_folder_is_listed_with_its_time_files_and_size(admin: Actor, config: Config) -> None:
    folder = set_aside(config)
    on_disk = {p.name: p.stat().st_size for p in folder.iterdir()}

    listed = admin.get("/api/backups/damaged").json()

    [item] = listed["items"]
    assert item["name"] == STAMP
    assert item["created_at"] == "2026-12-04T19:58:00Z"
    assert {f["name"]: f["size"] for f in item["files"]} == on_disk
    assert "devcell.db" in on_disk
    assert item["size"] == sum(on_disk.values()) == listed["total_size"]


def test_folders_are_listed_newest_first(admin: Actor, config: Config) -> None:
    for stamp in ("20261101T000000Z", "20261203T120000Z", "20261202T080000Z"):
        set_aside(config, stamp)

    names = [item["name"] for item in admin.get("/api/backups/damaged").json()["items"]]

    assert names == ["20261203T120000Z", "20261202T080000Z", "20261101T000000Z"]


def test_what_a_restore_did_not_make_is_not_listed(admin: Actor, config: Config) -> None:
    (damaged_dir(config) / "notes").mkdir(parents=True)
    (damaged_dir(config) / "20261304T195800Z").mkdir()  # the pattern, but month 13
    (damaged_dir(config) / "20261204T195900Z").write_bytes(b"a file, not a folder")

    assert admin.get("/api/backups/damaged").json()["items"] == []


def test_a_database_damaged_before_a_cli_restore_is_listed(tmp_path: Path) -> None:
    # The whole way, from outside: a backup, the header destroyed, `devcell restore` (no extra flags), then the
    # System page's list shows the damaged file that restore kept, byte for byte as big as it was.
    data = tmp_path / "data"
    create_admin(data)
    made = cli(data, "backup")
    assert made.returncode == 0, made.stderr
    db = data / "devcell.db"
    with db.open("r+b") as handle:
        handle.write(b"\0" * 100)
    damaged_size = db.stat().st_size
    restored = cli(data, "restore", "--yes", made.stdout.split("\t")[0])
    assert restored.returncode == 0, restored.stderr
    app = create_app(load_config({}, data_dir=data))
    with TestClient(app):
        admin = sign_in(app, "admin", CLI_ADMIN_PASSWORD)
        [item] = admin.get("/api/backups/damaged").json()["items"]
    assert {f["name"]: f["size"] for f in item["files"]}["devcell.db"] == damaged_size


def test_delete_removes_the_folder(admin: Actor, config: Config) -> None:
    folder = set_aside(config)

    response = admin.delete(f"/api/backups/damaged/{STAMP}")

    assert response.status_code == 204
    assert not folder.exists()
    assert admin.get("/api/backups/damaged").json()["items"] == []


def test_delete_leaves_the_other_folders(admin: Actor, config: Config) -> None:
    set_aside(config)
    other = set_aside(config, "20261205T010203Z")

    assert admin.delete(f"/api/backups/damaged/{STAMP}").status_code == 204

    assert [item["name"] for item in admin.get("/api/backups/damaged").json()["items"]] == [other.name]


def test_deleting_an_unknown_folder_is_404(admin: Actor) -> None:
    response = admin.delete(f"/api/backups/damaged/{STAMP}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "damaged_not_found"


# Percent-encoded, as a hand-made request would send them (a literal ".." is resolved by any client before it is
# sent): the router refuses those that decode to a slash, the stamp pattern the rest.
@pytest.mark.parametrize(
    "name",
    [
        "%2E%2E",
        "..%2Fbackups",
        "%2E%2E%2Fbackups",
        f"{STAMP}%2F..",
        "%2Ftmp",
        f"{STAMP}%0A",
        "notes",
        "20261304T195800Z",
    ],
)
def test_a_name_that_is_not_a_stamp_deletes_nothing(admin: Actor, config: Config, name: str) -> None:
    set_aside(config)
    (damaged_dir(config) / "notes").mkdir()
    (damaged_dir(config) / "20261304T195800Z").mkdir()
    before = sorted(p.relative_to(config.data_dir) for p in config.data_dir.rglob("*"))

    response = admin.delete(f"/api/backups/damaged/{name}")

    assert response.status_code == 404, response.text
    assert sorted(p.relative_to(config.data_dir) for p in config.data_dir.rglob("*")) == before


@pytest.mark.parametrize("name", ["..", "../backups", f"{STAMP}/..", f"../{DAMAGED_DIR}/{STAMP}", "/tmp", "."])
def test_a_path_is_never_a_folder_name(config: Config, name: str) -> None:
    # Below the router: should a route ever pass slashes through, the name check alone still refuses paths.
    set_aside(config)
    with pytest.raises(DamagedNotFound):
        _damaged.folder(damaged_dir(config), name)


def test_a_symlink_named_like_a_stamp_is_not_followed(admin: Actor, config: Config, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious").write_text("keep me")
    damaged_dir(config).mkdir()
    (damaged_dir(config) / STAMP).symlink_to(outside, target_is_directory=True)

    assert admin.get("/api/backups/damaged").json()["items"] == []
    assert admin.delete(f"/api/backups/damaged/{STAMP}").status_code == 404
    assert (outside / "precious").read_text() == "keep me"


def test_delete_works_when_the_disk_is_below_the_floor(
    disk: ScriptedDisk, app: Starlette, admin: Actor, config: Config
) -> None:
    folder = set_aside(config)
    disk.free = 50 * MB
    app.state.request_guard.forget()
    assert admin.post("/api/tasks", json={"title": "refused"}).status_code == 507  # the disk is "full"

    response = admin.delete(f"/api/backups/damaged/{STAMP}")

    assert response.status_code == 204
    assert not folder.exists()


def test_a_user_may_not_list_them(user: Actor) -> None:
    assert user.get("/api/backups/damaged").status_code == 403


def test_a_user_may_not_delete_them(user: Actor, config: Config) -> None:
    folder = set_aside(config)

    assert user.delete(f"/api/backups/damaged/{STAMP}").status_code == 403
    assert folder.is_dir()


def test_anonymous_callers_are_turned_away(client: TestClient) -> None:
    assert client.get("/api/backups/damaged").status_code == 401


def test_a_second_restore_in_the_same_second_keeps_its_own_folder(admin: Actor, config: Config) -> None:
    first = set_aside(config)
    second = set_aside(config)
    assert (first.name, second.name) == (STAMP, "20261204T195801Z")
    assert len(admin.get("/api/backups/damaged").json()["items"]) == 2
