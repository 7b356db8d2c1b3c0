"""Backups a person made or pinned are kept: retention only counts and deletes the schedule's own backups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devcell.backups._store import BackupDir, to_prune
from devcell.core.config import Config
from tests.backups.conftest import backup_now, wait_job
from tests.conftest import Actor
from tests.serverproc import cli, create_admin

# The smallest retention: one day, no weeks, no months; only the newest scheduled backup survives a run.
TIGHT = {"backup_keep_daily": 1, "backup_keep_weekly": 0, "backup_keep_monthly": 0}


def stored(config: Config) -> set[str]:
    return {p.name for p in (config.data_dir / "backups").glob("*.tar.gz")}


def scheduled_backup(admin: Actor) -> dict[str, Any]:
    """The daily job, run now through the System page's "Run now": back up, verify, apply retention."""
    response = admin.post("/api/system/schedule/backup/run")
    assert response.status_code == 202, response.text
    job = wait_job(admin, response.json()["id"])
    assert job["status"] == "succeeded", job
    return dict(job["result"])


def test_a_backup_made_now_survives_the_scheduled_jobs_retention(admin: Actor, config: Config) -> None:
    # The bug: "Back up now", then the nightly job with its retention removed the hand-made backup.
    admin.patch("/api/settings", json={"values": TIGHT})
    manual = backup_now(admin)
    result = scheduled_backup(admin)
    assert manual not in result["pruned"]
    assert stored(config) == {manual, result["name"]}


def listed(admin: Actor) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in admin.get("/api/backups").json()["items"]}


def pin(admin: Actor, name: str) -> dict[str, Any]:
    response = admin.client.put(f"/api/backups/{name}/pin", headers=admin.headers)  # Actor has no put()
    assert response.status_code == 200, response.text
    return dict(response.json())


def unpin(admin: Actor, name: str) -> dict[str, Any]:
    response = admin.delete(f"/api/backups/{name}/pin")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_back_up_now_is_listed_as_made_by_a_person(admin: Actor) -> None:
    name = backup_now(admin)
    assert name.endswith("-manual.tar.gz")
    item = listed(admin)[name]
    assert (item["origin"], item["kind"], item["pinned"]) == ("manual", "backup", False)


def test_the_daily_job_makes_scheduled_backups(admin: Actor) -> None:
    name = scheduled_backup(admin)["name"]
    item = listed(admin)[name]
    assert (item["origin"], item["kind"], item["pinned"]) == ("scheduled", "backup", False)


def test_an_unpinned_scheduled_backup_is_pruned(admin: Actor, config: Config) -> None:
    admin.patch("/api/settings", json={"values": TIGHT})
    first = scheduled_backup(admin)["name"]
    pin(admin, first)
    unpin(admin, first)
    second = scheduled_backup(admin)
    assert second["pruned"] == [first]
    assert stored(config) == {second["name"]}


def test_a_pinned_scheduled_backup_survives_retention(admin: Actor, config: Config) -> None:
    admin.patch("/api/settings", json={"values": TIGHT})
    first = scheduled_backup(admin)["name"]
    pin(admin, first)
    second = scheduled_backup(admin)
    assert second["pruned"] == []
    assert stored(config) == {first, second["name"]}


def test_pin_and_unpin_answer_with_the_backup_and_show_in_the_listing(admin: Actor) -> None:
    name = backup_now(admin)
    assert pin(admin, name)["pinned"] is True
    assert pin(admin, name)["pinned"] is True  # pinning twice is no error
    assert listed(admin)[name]["pinned"] is True
    assert unpin(admin, name)["pinned"] is False
    assert listed(admin)[name]["pinned"] is False


def test_a_pinned_backup_is_deleted_only_after_unpinning(admin: Actor, config: Config) -> None:
    name = backup_now(admin)
    pin(admin, name)
    refused = admin.delete(f"/api/backups/{name}")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "backup_pinned"
    assert "Unpin it first" in refused.json()["error"]["message"]
    unpin(admin, name)
    assert admin.delete(f"/api/backups/{name}").status_code == 204
    assert list((config.data_dir / "backups").iterdir()) == []  # no side file left behind


def test_pinning_an_unknown_backup_is_404(admin: Actor) -> None:
    for method in ("PUT", "DELETE"):
        response = admin.client.request(
            method, "/api/backups/devcell-20990101T000000Z.tar.gz/pin", headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "backup_not_found"


def test_only_admins_pin(admin: Actor, user: Actor) -> None:
    name = backup_now(admin)
    for method in ("PUT", "DELETE"):
        response = user.client.request(method, f"/api/backups/{name}/pin", headers=user.headers)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "admin_required"
    assert listed(admin)[name]["pinned"] is False


def test_a_manual_backup_stays_manual_on_another_backup_disk(admin: Actor, config: Config, tmp_path: Path) -> None:
    # Who made it is in the file name, so a copy on another disk (or another appliance) is still kept.
    name = backup_now(admin)
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / name).write_bytes((config.data_dir / "backups" / name).read_bytes())
    admin.patch("/api/settings", json={"values": {"backup_dir": str(usb), **TIGHT}})
    result = scheduled_backup(admin)
    assert listed(admin)[name]["origin"] == "manual"
    assert result["pruned"] == []


def test_devcell_backup_makes_a_manual_backup(tmp_path: Path) -> None:
    data = tmp_path / "data"
    create_admin(data)
    made = cli(data, "backup", "--no-verify")
    assert made.returncode == 0, made.stderr
    archive = Path(made.stdout.split("\t")[0])
    assert archive.name.endswith("-manual.tar.gz")
    (entry,) = BackupDir(archive.parent).entries()
    assert entry.origin == "manual"
    assert to_prune([entry], 0, 0, 0) == []
