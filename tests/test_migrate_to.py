"""`devcell migrate-to URL`: an appliance's SQLite data copied into an empty PostgreSQL database, proved equal, and
the app started on the copy. The appliance is seeded once per module through the real app on SQLite; each test works
on a copy of its data directory and a fresh database of a real PostgreSQL cluster."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from click.testing import CliRunner, Result
from peewee import AutoField
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.app import create_app
from devcell.cli import main
from devcell.cli.migrate_to import MODELS, NOT_COPIED, compare, open_source, ordered_models
from devcell.core.config import load_config
from devcell.core.db import close_database, init_database, transaction
from devcell.core.scheduler import LOCK_FILE, ProcessLock
from devcell.search import _retrieval
from tests.bench_appliance import (
    DOCUMENTS,
    SECTIONS,
    TASKS,
    exhaustive_vector_search,
    grow_tasks,
    write_documents,
)
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, Actor, create_user, setup_code, sign_in
from tests.core.test_migrations import declared_models
from tests.postgres_server import PostgresCluster
from tests.waiting import wait_until

Cli = Callable[..., Result]
NOTE_TEXT = "The relay station keeps the spare toner cartridge in the blue cabinet."


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _app(data_dir: Path, url: str | None = None) -> Starlette:
    env = {"DEVCELL_EMBEDDING_MODEL": "hashing-test"}  # instant indexing, no model files
    if url is not None:
        env["DEVCELL_DATABASE_URL"] = url
    return create_app(load_config(env, data_dir=data_dir))


def _seed(app: Starlette, client: TestClient, data_dir: Path) -> None:
    """A small team's appliance: users (one inactive), a project with members, labels, tasks with labels, due
    dates and checklists (ticked and not), a comment, standups, a note indexed into chunks."""
    body = {
        "setup_code": setup_code(load_config({}, data_dir=data_dir)),
        "username": "admin",
        "password": ADMIN_PASSWORD,
    }
    ok(client.post("/api/setup", json=body), 201)
    admin = sign_in(app, "admin", ADMIN_PASSWORD)
    for name in ("alice", "bob", "carol"):
        create_user(admin, name, display_name=name.title())
    carol = ok(admin.get("/api/users"))["items"][-1]
    ok(admin.patch(f"/api/users/{carol['id']}", json={"active": False}))
    alice, bob = sign_in(app, "alice", USER_PASSWORD), sign_in(app, "bob", USER_PASSWORD)
    project = ok(alice.post("/api/projects", json={"name": "Apollo", "description": "The *moon* shot."}), 201)
    ok(alice.post(f"/api/projects/{project['id']}/members", json={"username": "bob", "role": "member"}), 201)
    bug = ok(admin.post("/api/tasks/labels", json={"name": "Bug", "colour": "red"}), 201)
    ui = ok(alice.post("/api/tasks/labels", json={"name": "UI", "colour": "blue", "project_id": project["id"]}), 201)
    for n in range(12):
        task = ok(
            bob.post(
                "/api/tasks",
                json={
                    "title": f"Task {n}",
                    "description": f"Step **{n}**",
                    "project_id": project["id"] if n % 2 else None,
                    "due_date": f"2026-12-{n + 10}" if n % 3 else None,
                    "label_ids": [bug["id"], ui["id"]] if n % 2 else [bug["id"]],
                },
            ),
            201,
        )
        item = ok(bob.post(f"/api/tasks/{task['id']}/checklist", json={"text": f"Check {n}"}), 201)
        ok(bob.post(f"/api/tasks/{task['id']}/checklist", json={"text": "Then ship"}), 201)
        if n % 2:
            ok(bob.patch(f"/api/tasks/{task['id']}/checklist/{item['id']}", json={"done": True}))
    ok(bob.patch(f"/api/tasks/{task['id']}", json={"status": "done", "archived": True}))
    ok(bob.post(f"/api/tasks/{task['id']}/comments", json={"body": "Done — shipped ✓"}), 201)
    ok(alice.post("/api/standups", json={"today": "Write the relay runbook", "project_id": project["id"]}), 201)
    ok(bob.post("/api/standups", json={"today": "Fix the toner", "blockers": "none"}), 201)
    note = ok(alice.post("/api/documents/notes", json={"title": "Relay runbook", "text": NOTE_TEXT}), 201)
    wait_until(lambda: alice.get(f"/api/documents/{note['id']}").json()["status"] == "indexed", what="note indexed")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, template_database: Path) -> Path:
    """A stopped appliance's data directory, seeded through the real app on SQLite."""
    data_dir = tmp_path_factory.mktemp("appliance") / "data"
    data_dir.mkdir(mode=0o750)
    shutil.copyfile(template_database, data_dir / "devcell.db")
    app = _app(data_dir)
    with TestClient(app) as client:
        _seed(app, client, data_dir)
    close_database()
    return data_dir


@pytest.fixture
def data_dir(seeded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(seeded, copy)
    return copy


@pytest.fixture
def target(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """The URL of an empty PostgreSQL database (what an admin creates for DevCell)."""
    url = postgres_cluster.empty_database()
    yield url
    close_database()
    postgres_cluster.drop(url)


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    for name in list(os.environ):
        if name.startswith("DEVCELL_"):
            monkeypatch.delenv(name)
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(main, ["--data-dir", str(data_dir), *args], catch_exceptions=False)

    yield run
    close_database()


def sqlite_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        return {
            m._meta.table_name: connection.execute(f'SELECT COUNT(*) FROM "{m._meta.table_name}"').fetchone()[0]
            for m in MODELS
        }
    finally:
        connection.close()


def postgres_counts(url: str) -> dict[str, int]:
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            found = {}
            for model in MODELS:
                cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.table_name}"')
                found[model._meta.table_name] = cursor.fetchone()[0]
            return found
    finally:
        connection.close()


def printed_counts(output: str) -> dict[str, tuple[int, int, str]]:
    rows = re.findall(r"^(\w+)\s+([\d,]+)\s+([\d,]+)\s+(equal|DIFFERS)$", output, re.MULTILINE)
    return {t: (int(a.replace(",", "")), int(b.replace(",", "")), c) for t, a, b, c in rows}


def error_line(result: Result) -> str:
    """The one line a failed command ends with (a progress line may come before it)."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.stderr.strip().splitlines()[-1]


def listed_tasks(actor: Actor) -> list[tuple[Any, ...]]:
    items = ok(actor.get("/api/tasks", params={"limit": 100, "sort": "created", "archived": "all"}))["items"]
    return sorted(
        (t["id"], t["title"], t["due_date"], (t["project"] or {}).get("id"), tuple(x["name"] for x in t["labels"]))
        for t in items
    )


def test_every_model_is_copied() -> None:
    """A slice's new model must be added to migrate-to's list, or its table would be left behind. Only the list of
    live processes is left out on purpose: none of the stopped appliance's is live (a job of an unknown process
    counts as one of a process that is gone)."""
    declared = {m._meta.table_name for m in declared_models()}
    copied = {m._meta.table_name for m in MODELS}
    assert declared - copied == {"app_process"}
    assert copied <= declared
    assert "app_process" in NOT_COPIED


def test_the_copy_is_proved_equal(cli: Cli, data_dir: Path, target: str) -> None:
    source_counts = sqlite_counts(data_dir / "devcell.db")

    result = cli("migrate-to", target)

    assert result.exit_code == 0, result.output
    assert "checksums equal" in result.stdout
    assert "rebuilds it in the background on first start" in result.stdout
    assert printed_counts(result.stdout) == {table: (n, n, "equal") for table, n in source_counts.items()}
    assert postgres_counts(target) == source_counts
    assert source_counts["task"] == 12
    assert source_counts["chunk"] > 0
    assert source_counts["task_checklist_item"] == 24
    # Every identity column gives the next row an id past the copied ones.
    connection = psycopg2.connect(target)
    try:
        with connection.cursor() as cursor:
            for model in MODELS:
                if model._meta.primary_key.name != "id" or not isinstance(model._meta.primary_key, AutoField):
                    continue
                table = model._meta.table_name
                cursor.execute(f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')), max(id) FROM \"{table}\"")
                following, top = cursor.fetchone()
                assert following > (top or 0), table
    finally:
        connection.close()


def test_the_proof_names_the_table_that_differs(cli: Cli, data_dir: Path, target: str) -> None:
    assert cli("migrate-to", target).exit_code == 0
    connection = psycopg2.connect(target)
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "UPDATE task_checklist_item SET done = NOT done WHERE id = (SELECT min(id) FROM task_checklist_item)"
        )
    connection.close()

    source = open_source(data_dir / "devcell.db")
    init_database(target)
    try:
        with transaction():
            found = compare(source, ordered_models())
    finally:
        source.close()
        close_database()

    assert [t.table for t in found if not t.equal] == ["task_checklist_item"]
    assert {(t.source_rows == t.target_rows) for t in found} == {True}


def test_the_app_runs_on_the_copy(cli: Cli, data_dir: Path, target: str) -> None:
    before = _app(data_dir)
    with TestClient(before):
        bob_on_sqlite = listed_tasks(sign_in(before, "bob", USER_PASSWORD))
    close_database()
    assert cli("migrate-to", target).exit_code == 0

    after = _app(data_dir, target)
    with TestClient(after) as client:
        bob = sign_in(after, "bob", USER_PASSWORD)  # the password hashes came along
        response = client.post("/api/auth/login", json={"username": "carol", "password": USER_PASSWORD})
        assert response.status_code == 401  # still inactive
        admin = sign_in(after, "admin", ADMIN_PASSWORD)
        assert len(ok(admin.get("/api/standups"))["items"]) == 2
        # The keyword index is computed by PostgreSQL; the vector index is rebuilt from the copied chunks.
        found = wait_until(
            lambda: admin.get("/api/search", params={"q": "toner cartridge"}).json().get("items"), what="search"
        )
        assert found[0]["document_title"] == "Relay runbook"
        [last] = [t for t in bob_on_sqlite if t[1] == "Task 11"]
        ticked = ok(bob.get(f"/api/tasks/{last[0]}/checklist"))["items"]
        assert [i["done"] for i in ticked] == [True, False]  # SQLite's 0/1 are PostgreSQL's booleans
        assert listed_tasks(bob) == bob_on_sqlite
        task = ok(bob.get(f"/api/tasks/{last[0]}"))
        assert (task["status"], task["archived"]) == ("done", True)
        fresh = ok(bob.post("/api/tasks", json={"title": "After the move"}), 201)
        assert fresh["id"] > max(t[0] for t in bob_on_sqlite)  # the sequence moved past the copied ids
        ok(bob.post(f"/api/tasks/{fresh['id']}/checklist", json={"text": "new"}), 201)


def test_a_target_holding_devcell_data_is_refused(cli: Cli, target: str) -> None:
    assert cli("migrate-to", target).exit_code == 0
    counts = postgres_counts(target)

    error = error_line(cli("migrate-to", target))

    assert error.startswith("devcell: the target database already holds DevCell data: ")
    assert "document (1 row), " in error
    assert "create a new one" in error
    assert postgres_counts(target) == counts


def test_a_failed_copy_leaves_the_target_empty_and_can_run_again(cli: Cli, data_dir: Path, target: str) -> None:
    # A NUL character: SQLite keeps it, PostgreSQL's text cannot. The tables before task_comment are copied first.
    with sqlite3.connect(data_dir / "devcell.db") as connection:
        connection.execute("UPDATE task_comment SET body = ?", ("nul \x00 here",))
    connection.close()

    error = error_line(cli("migrate-to", target))

    assert error.startswith("devcell: copying table task_comment failed: ")
    assert error.endswith("(rolled back: the target holds no DevCell data)")
    assert set(postgres_counts(target).values()) == {0}

    with sqlite3.connect(data_dir / "devcell.db") as connection:
        connection.execute("UPDATE task_comment SET body = 'fixed'")
    connection.close()
    again = cli("migrate-to", target)  # the empty schema the failure left is accepted
    assert again.exit_code == 0, again.output
    assert postgres_counts(target) == sqlite_counts(data_dir / "devcell.db")


def test_a_source_behind_the_code_is_refused(cli: Cli, data_dir: Path, target: str) -> None:
    with sqlite3.connect(data_dir / "devcell.db") as connection:
        connection.execute("DELETE FROM schema_migration WHERE version = (SELECT MAX(version) FROM schema_migration)")
    connection.close()

    error = error_line(cli("migrate-to", target))

    assert "bring it up to date first (`devcell migrate`" in error
    assert postgres_counts_or_none(target) is None  # nothing was made on the target


def postgres_counts_or_none(url: str) -> dict[str, int] | None:
    try:
        return postgres_counts(url)
    except psycopg2.errors.UndefinedTable:
        return None


def test_no_copy_while_a_server_runs_on_the_data(cli: Cli, data_dir: Path, target: str) -> None:
    server = ProcessLock(data_dir / LOCK_FILE)
    assert server.acquire()
    try:
        result = cli("migrate-to", target)
    finally:
        server.release()
    assert result.exit_code == 1
    assert "is running on" in result.stderr
    assert "Stop it first" in result.stderr


def test_no_source_database_is_refused(cli: Cli, data_dir: Path, target: str) -> None:
    (data_dir / "devcell.db").unlink()
    result = cli("migrate-to", target)
    assert result.exit_code == 1
    assert "there is no SQLite database at" in result.stderr


def test_a_bad_or_unreachable_url_is_one_line(cli: Cli, tmp_path: Path) -> None:
    wrong = cli("migrate-to", "mysql://db/devcell")
    assert wrong.exit_code == 2
    assert "must start with postgresql://" in wrong.stderr
    unnamed = cli("migrate-to", "postgresql://db.lan")
    assert unnamed.exit_code == 2
    assert "names no database" in unnamed.stderr

    result = cli("migrate-to", f"postgresql://devcell:s3cret@/devcell?host={tmp_path}/nowhere")

    error = error_line(result)
    assert error.startswith("devcell: cannot ")  # use (or reach) the target database, named without its password
    assert "postgresql://devcell:***@/devcell" in error
    assert "s3cret" not in result.output


# The acceptance point of #21: a seeded appliance at the bench's size copied, proved equal, and searched alike.

RUNBOOKS = {
    "WireGuard": "Rotate the WireGuard keys on the gateway every quarter and restart the tunnel.",
    "Printer": "The printer on the second floor needs a new toner cartridge every month.",
    "Backups": "Nightly backups go to the USB disk; verify them on Mondays before the standup.",
    "Certificates": "TLS certificates for the intranet expire in March: renew them with certbot.",
    "Coffee": "The coffee machine descaling programme runs for forty minutes; do it on Fridays.",
    "Badges": "Visitor badges are kept at the front desk and must be returned at the end of the day.",
}
RUNBOOK_QUESTIONS = {
    "how do I rotate the wireguard keys": "WireGuard",
    "toner for the printer": "Printer",
    "where do the nightly backups go": "Backups",
    "renew the intranet certificates": "Certificates",
    "descaling the coffee machine": "Coffee",
    "visitor badges": "Badges",
    "spare toner cartridge in the blue cabinet": "Relay runbook",
}
# Runbook questions also holding a word in dozens of handbook passages ("backups", "cabinet").
COMMON_WORD_RUNBOOK_QUESTIONS = {"where do the nightly backups go", "spare toner cartridge in the blue cabinet"}
# Questions on the generated handbooks: each names nouns and verbs that dozens of handbooks share, in other
# inflections than the text's (stemming decides what the keyword side finds).
HANDBOOK_QUESTIONS = [
    "calibrating the thermostat",
    "who inspects the forklift and the pallets",
    "replacing router batteries",
    "lubricated hinges in the workshop",
    "how often is the dishwasher flushed",
    "audit of the ledger and the invoices",
    "charging the scooter helmet",
    "sharpened chisels",
    "test the capacitor and the diode",
    "restarting the modem in the attic",
    "seal the gutter and the chimney",
    "polishing turntables and vinyl",
    "configuring the amplifier mixer",
    "drain the boiler radiator",
    "tighten bolts with the spanner",
    "label the cassette",
]
QUESTIONS = [*RUNBOOK_QUESTIONS, *HANDBOOK_QUESTIONS]
HANDBOOKS = DOCUMENTS - 1 - len(RUNBOOKS)  # besides the relay note and the runbooks
PASSAGES = HANDBOOKS * SECTIONS + 1 + len(RUNBOOKS)  # a passage per section, and per note
TASK_QUERIES = ["calibrate the thermostat", "forklift", "Router in the", "ticket 77", "task 1", "ATTIC"]
# The Knowledge page's text search: every word in the title or, through the keyword index, in a passage.
DOCUMENT_QUERIES = ["thermostat", "forklifts", "batteries charged", "toner cartridge", "hand 42", "nightl", "calibrat"]


@pytest.fixture(scope="module")
def bench(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded appliance grown to the bench's size: 10,000 tasks (copies made in SQL, with generated titles), and
    500 documents whose passages are in both indexes: 493 generated handbooks put in the knowledgebase directory and
    indexed by `devcell reindex` (the scan adopts them), the relay note and six runbook notes made through the API."""
    data_dir = tmp_path_factory.mktemp("bench") / "data"
    shutil.copytree(seeded, data_dir)
    app = _app(data_dir)
    with TestClient(app):
        alice = sign_in(app, "alice", USER_PASSWORD)
        for title, text in RUNBOOKS.items():
            ok(alice.post("/api/documents/notes", json={"title": title, "text": text}), 201)
    close_database()
    with sqlite3.connect(data_dir / "devcell.db") as connection:
        grow_tasks(connection, TASKS)
    connection.close()
    write_documents(data_dir / "knowledgebase", HANDBOOKS)
    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.startswith("DEVCELL_"):
                env.delenv(name)
        env.setenv("DEVCELL_EMBEDDING_MODEL", "hashing-test")
        # Every document embedded again, in id order (the notes first), into a fresh index.
        result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "reindex"], catch_exceptions=False)
    close_database()
    assert result.exit_code == 0, result.output
    assert f"{DOCUMENTS} of {DOCUMENTS} document(s) indexed" in result.output
    exhaustive_vector_search(data_dir / "index", PASSAGES)
    return data_dir


def _keyword_sides() -> dict[str, list[int]]:
    """Each question's keyword side as search fuses it (passages, best first): FTS5's bm25 on SQLite, ts_rank
    weighted by each stem's rarity on PostgreSQL."""
    with transaction():
        return {question: _retrieval._lexical(question, None, False) for question in QUESTIONS}


def _search_answers(actor: Actor) -> dict[str, list[int]]:
    """Each question's top five passages, as the ids of their documents in their order (one passage per document)."""
    found = {}
    for question in QUESTIONS:
        answer = ok(actor.get("/api/search", params={"q": question, "limit": 5}))
        assert not answer["degraded"], question
        found[question] = [p["document_id"] for p in answer["items"]]
    return found


def _task_answers(actor: Actor) -> dict[str, tuple[int, list[int]]]:
    """Each text query's task list (matches in title or description): how many, and the first page's ids in order."""
    found = {}
    for query in TASK_QUERIES:
        page = ok(actor.get("/api/tasks", params={"q": query, "sort": "title", "limit": 50, "archived": "all"}))
        found[query] = (page["total"], [t["id"] for t in page["items"]])
        finder = ok(actor.get("/api/find", params={"q": query, "limit": 10}))
        hits = [h["id"] for g in finder["groups"] for h in g["items"]]
        found[f"find {query}"] = (len(hits), hits)
    for query in DOCUMENT_QUERIES:
        page = ok(actor.get("/api/documents", params={"q": query, "limit": 50}))
        found[f"documents {query}"] = (page["total"], [d["id"] for d in page["items"]])
    return found


def test_the_bench_size_is_copied_equal_and_searched_alike(
    bench: Path, tmp_path: Path, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#21's acceptance: `devcell migrate-to` of a seeded appliance (10,000 tasks, 500 documents) gives equal counts
    and checksums, and search gives the same top results afterwards: the same data directory (so the same vector
    index, as the README's cut-over does), the keyword side PostgreSQL's own. Compared, before and after: the top
    five documents, in order, of 23 questions through /api/search (equal where the two keyword indexes rank alike;
    see below for the others); the task list's text filter (count and first page in order) and the finder's hits;
    the Knowledge page's text search (count and first page in order)."""
    for name in list(os.environ):
        if name.startswith("DEVCELL_"):
            monkeypatch.delenv(name)
    data_dir = tmp_path / "data"
    shutil.copytree(bench, data_dir)
    app = _app(data_dir)
    with TestClient(app):
        alice, bob = sign_in(app, "alice", USER_PASSWORD), sign_in(app, "bob", USER_PASSWORD)
        wait_until(lambda: ok(alice.get("/api/knowledge/status"))["consistent"], what="the index checked")
        searched, listed, keywords = _search_answers(alice), _task_answers(bob), _keyword_sides()
    close_database()
    counts = sqlite_counts(data_dir / "devcell.db")  # after the sign-ins' sessions
    assert (counts["task"], counts["document"], counts["chunk"]) == (TASKS, DOCUMENTS, PASSAGES)
    with closing(sqlite3.connect(data_dir / "devcell.db")) as connection:
        titles = dict(connection.execute("SELECT id, title FROM document").fetchall())
    # The appliance's own answers, which the copy must keep: the runbooks first, five handbooks for each question.
    assert {q: titles[searched[q][0]] for q in RUNBOOK_QUESTIONS} == RUNBOOK_QUESTIONS
    assert {len(found) for found in searched.values()} == {5}
    assert [q for q, (total, _) in listed.items() if not total] == ["find ticket 77"]  # the finder reads titles

    started = time.perf_counter()
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "migrate-to", target], catch_exceptions=False)
    seconds = time.perf_counter() - started
    close_database()

    assert result.exit_code == 0, result.output
    assert "checksums equal" in result.stdout
    assert printed_counts(result.stdout) == {table: (n, n, "equal") for table, n in counts.items()}
    assert postgres_counts(target) == counts
    # A few seconds here; generous for a loaded CI box. The command's own time is in its last lines.
    assert seconds < 60, f"{seconds:.1f} s: {result.stdout[-400:]}"

    app = _app(data_dir, target)
    with TestClient(app):
        alice, bob = sign_in(app, "alice", USER_PASSWORD), sign_in(app, "bob", USER_PASSWORD)
        wait_until(lambda: ok(alice.get("/api/knowledge/status"))["consistent"], what="the index checked")
        answers, keywords_after = _search_answers(alice), _keyword_sides()
        assert _task_answers(bob) == listed
    close_database()
    # Where the keyword sides rank alike (the same stems, the same passages in the same order), so do the answers.
    alike = [q for q in QUESTIONS if keywords_after[q] == keywords[q]]
    # The runbooks' rare words ("wireguard", "intranet", "visitor") are in a passage or two: ranked alike on both.
    assert set(RUNBOOK_QUESTIONS) - COMMON_WORD_RUNBOOK_QUESTIONS <= {q for q in alike if keywords[q]}
    assert {q: answers[q] for q in alike} == {q: searched[q] for q in alike}
    # Elsewhere the same stems match the same passages, but bm25 and ts_rank order them differently when a word is in
    # dozens of them about equally often (bm25 also weighs a passage's length; ts_rank weighs a heading above the
    # text), and keep another 40 of them when more match: a document near the fifth place may change, never the
    # first (measured: 11 such questions, 4 of them with another fourth or fifth document).
    for question in set(QUESTIONS) - set(alike):
        assert keywords[question], question
        assert keywords_after[question], question
        assert answers[question][0] == searched[question][0], question
        assert len(set(answers[question]) & set(searched[question])) >= 4, question
