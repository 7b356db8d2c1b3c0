"""The support bundle: useful facts, no secrets."""

from __future__ import annotations

import re

from devcell.core.config import Config
from devcell.operations._support import redact
from tests.conftest import Actor


def test_bundle_has_the_facts_and_no_secrets(admin: Actor, config: Config, backend: str) -> None:
    admin.patch("/api/settings", json={"values": {"llm_api_key": "sk-very-secret", "appliance_name": "Lab"}})
    token = admin.post("/api/auth/tokens", json={"name": "t"}).json()["token"]
    with (config.logs_dir / "devcell.log").open("a") as log:
        log.write(f"2026-11-26 02:00:00,000 WARNING devcell.app: enter the setup code ABCD-EFGH-JKLM or {token}\n")
    response = admin.get("/api/system/support-bundle")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="devcell-support-')
    body = response.json()
    assert body["settings_changed"]["appliance_name"] == {"value": "Lab", "source": "saved"}
    assert body["settings_changed"]["llm_api_key"] == {"value": "(set)", "source": "saved"}
    assert {f["name"] for f in body["health"]} >= {"disk_data", "backup_age"}
    assert body["database"]["tables"]["user"] == 1
    assert body["database"]["bytes"] > 0
    assert body["database"]["kind"] == backend
    if backend == "postgresql":  # which server, since there is no devcell.db to look at
        assert re.fullmatch(r"\d+(\.\d+)*.*", body["database"]["server_version"])
    assert body["recent_problems_in_log"][-1]["message"] == "enter the setup code [redacted] or [redacted]"
    text = response.text
    for secret in ("sk-very-secret", token, "ABCD-EFGH-JKLM"):
        assert secret not in text


def test_redact_keeps_the_name_of_a_secret() -> None:
    assert redact("connect password=hunter2 now") == "connect password=[redacted] now"
