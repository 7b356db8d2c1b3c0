"""Issue #13, finding 3: a backup never includes a staged upload (`uploads/.incoming-*`), only documents' files."""

from __future__ import annotations

from devcell.core.config import Config
from tests.backups.conftest import backup_now, members
from tests.conftest import Actor


def test_a_backup_leaves_out_staged_uploads(admin: Actor, config: Config) -> None:
    uploads = config.kb_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / ".incoming-0123abcd").write_bytes(b"half an upload")
    (uploads / "0123456789abcdef0123456789abcdef.md").write_text("# Stored\n")
    found = members(config.data_dir / "backups" / backup_now(admin))
    knowledge = {name for name in found if name.startswith("knowledgebase/")}
    assert knowledge == {"knowledgebase/uploads/0123456789abcdef0123456789abcdef.md"}
