"""Ranking (issue 17, item 3): stemmed keywords, and a document scored by its several good passages."""

from __future__ import annotations

from tests.conftest import Actor
from tests.documents.conftest import note


def titles(actor: Actor, question: str) -> list[str]:
    return [p["document_title"] for p in actor.get("/api/search", params={"q": question}).json()["items"]]


def test_keywords_match_other_forms_of_a_word(admin: Actor) -> None:
    for topic in ("Coffee machine descaling", "Visitor badges at reception", "Printer toner orders"):
        note(admin, topic, f"# {topic}\n\nAsk the office manager about {topic.lower()}.\n")
    note(admin, "Relay", "# Relay\n\nThe relay restarts nightly.\n")
    # No word of the question is in the passage as written: only stems match (restart, relay).
    assert titles(admin, "restarting relays")[0] == "Relay"


def test_a_document_answering_in_several_places_beats_one_sharing_a_phrase(admin: Actor) -> None:
    runbook = (
        "# Backups\n\n## Schedule\n\nThe backup schedule runs nightly and writes archives.\n\n"
        "## Retention\n\nBackup retention keeps seven daily archives.\n\n"
        "## Checks\n\nEach backup archive is verified on schedule, and retention prunes old archives.\n"
    )
    note(admin, "Backup runbook", runbook)
    # One sentence closer to the question than any single passage of the runbook, and nothing more.
    note(admin, "Glossary", "# Glossary\n\nThe backup schedule and retention are described in the runbook.\n")
    assert titles(admin, "backup schedule and retention")[:2] == ["Backup runbook", "Glossary"]
