"""Issue #13, finding 3: a refused upload leaves nothing behind in the knowledgebase (the staged
`uploads/.incoming-*` file included)."""

from __future__ import annotations

from pathlib import Path

from devcell.core.config import Config
from tests.conftest import Actor
from tests.documents.conftest import upload

TEXT = b"# Runbook\n\nRestart the relay when the beacon stops.\n"


def leftovers(config: Config) -> list[Path]:
    """Every file under the knowledgebase: a refused upload must not add one."""
    return sorted(p for p in config.kb_dir.rglob("*") if p.is_file())


def test_a_malformed_project_id_is_422_and_leaves_no_staged_file(admin: Actor, config: Config) -> None:
    response = upload(admin, "runbook.md", TEXT, project_id="apollo")
    assert response.status_code == 422, response.text
    assert [d["field"] for d in response.json()["error"]["detail"]] == ["project_id"]
    assert leftovers(config) == []


def test_an_unknown_project_is_404_and_leaves_no_staged_file(admin: Actor, config: Config) -> None:
    response = upload(admin, "runbook.md", TEXT, project_id=999999)
    assert response.status_code == 404, response.text
    assert leftovers(config) == []


def test_a_project_the_caller_only_views_is_403_and_leaves_no_staged_file(
    admin: Actor, user: Actor, config: Config
) -> None:
    project = admin.post("/api/projects", json={"name": "Ops"}).json()["id"]
    added = admin.post(f"/api/projects/{project}/members", json={"username": user.user["username"], "role": "viewer"})
    assert added.status_code == 201, added.text
    response = upload(user, "runbook.md", TEXT, project_id=project)
    assert response.status_code == 403, response.text
    assert leftovers(config) == []


def test_content_refused_after_staging_leaves_nothing(admin: Actor, config: Config) -> None:
    response = upload(admin, "tool.md", b"\x7fELF\x02\x01\x01\x00\x00\x00binary")
    assert response.status_code == 415, response.text
    assert leftovers(config) == []


def test_an_upload_over_the_limit_leaves_nothing(admin: Actor, config: Config) -> None:
    assert admin.patch("/api/settings", json={"values": {"upload_max_mb": 1}}).status_code == 200
    response = upload(admin, "huge.txt", b"x" * (2**20 + 10))
    assert response.status_code == 413, response.text
    assert leftovers(config) == []
