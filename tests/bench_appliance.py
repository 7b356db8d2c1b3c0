"""Content for a bench-size appliance (10,000 tasks, 500 documents) whose words are told apart: generated from a
small vocabulary, seeded in SQL (tasks) and as Markdown files in the knowledgebase directory (documents, indexed by
the app itself), so many documents compete for each question. Deterministic: the same seed gives the same text."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

# Nouns a team's runbooks talk about; each document is about a few of them, so a noun is in few passages (a "rare"
# word the keyword side uses) while the filler words are in most (words it ignores).
NOUNS = [
    "router",
    "battery",
    "switch",
    "printer",
    "laptop",
    "monitor",
    "keyboard",
    "antenna",
    "cable",
    "firewall",
    "gateway",
    "server",
    "backup",
    "certificate",
    "password",
    "badge",
    "ladder",
    "toolbox",
    "generator",
    "inverter",
    "compressor",
    "valve",
    "pump",
    "boiler",
    "radiator",
    "thermostat",
    "sensor",
    "camera",
    "projector",
    "scanner",
    "modem",
    "tunnel",
    "mailbox",
    "calendar",
    "invoice",
    "contract",
    "budget",
    "ledger",
    "receipt",
    "warehouse",
    "pallet",
    "forklift",
    "trolley",
    "container",
    "shelf",
    "cabinet",
    "drawer",
    "locker",
    "kettle",
    "fridge",
    "freezer",
    "microwave",
    "dishwasher",
    "sink",
    "faucet",
    "pipe",
    "drain",
    "gutter",
    "roof",
    "chimney",
    "window",
    "shutter",
    "curtain",
    "carpet",
    "staircase",
    "elevator",
    "escalator",
    "corridor",
    "lobby",
    "garage",
    "bicycle",
    "scooter",
    "helmet",
    "uniform",
    "glove",
    "apron",
    "boot",
    "jacket",
    "umbrella",
    "whistle",
    "lantern",
    "torch",
    "flashlight",
    "candle",
    "fuse",
    "breaker",
    "transformer",
    "meter",
    "dial",
    "gauge",
    "lever",
    "pulley",
    "hinge",
    "bracket",
    "screw",
    "bolt",
    "washer",
    "spanner",
    "wrench",
    "hammer",
    "chisel",
    "drill",
    "saw",
    "sander",
    "grinder",
    "welder",
    "solder",
    "resistor",
    "capacitor",
    "diode",
    "relay",
    "circuit",
    "harness",
    "connector",
    "socket",
    "plug",
    "adapter",
    "charger",
    "dock",
    "tablet",
    "phone",
    "headset",
    "speaker",
    "microphone",
    "amplifier",
    "mixer",
    "turntable",
    "vinyl",
    "cassette",
]
VERBS = [
    "rotate",
    "inspect",
    "replace",
    "clean",
    "calibrate",
    "label",
    "test",
    "repair",
    "measure",
    "tighten",
    "lubricate",
    "charge",
    "update",
    "archive",
    "audit",
    "configure",
    "restart",
    "document",
    "paint",
    "seal",
    "drain",
    "flush",
    "polish",
    "sharpen",
]
FILLER = [
    "always",
    "carefully",
    "before",
    "weekly",
    "review",
    "writes",
    "down",
    "changes",
    "so",
    "next",
    "shift",
    "knows",
    "where",
    "things",
    "stand",
]
PLACES = ["basement", "workshop", "office", "attic", "depot", "annex", "studio", "yard"]
DOCUMENTS = 500
SECTIONS = 6  # of a generated document: a passage each
TASKS = 10_000


def plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def third(verb: str) -> str:
    return verb + ("es" if verb.endswith(("sh", "ch", "s")) else "s")


def gerund(verb: str) -> str:
    return (verb[:-1] if verb.endswith("e") else verb) + "ing"


def past(verb: str) -> str:
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y"):
        return verb[:-1] + "ied"
    return verb + "ed"


def _sentence(rng: random.Random, nouns: list[str], verbs: list[str]) -> str:
    noun, other = rng.sample(nouns, 2)
    verb = rng.choice(verbs)
    form = rng.randrange(4)
    filler = " ".join(rng.sample(FILLER, 3))
    place = rng.choice(PLACES)
    if form == 0:
        text = f"{plural(noun).title()} in {place} are {past(verb)} by {other} crew; {filler}."
    elif form == 1:
        text = f"Someone {third(verb)} the {noun} next to {plural(other)} monthly, {filler}."
    elif form == 2:
        text = f"{gerund(verb).title()} {plural(noun)} takes an hour when the {other} is ready; {filler}."
    else:
        text = f"A {noun} {third(verb)} poorly unless its {other} was {past(verb)} first, {filler}."
    return text


def document(number: int) -> tuple[str, str]:
    """The title and Markdown of generated document `number`: six short sections (a passage each) about three or
    four of its nouns. Short passages keep the test embedder's hashed vectors sparse: long ones fill most of its
    256 slots, and vectors that are all about as far apart defeat the index's approximate nearest-neighbour search."""
    rng = random.Random(number)
    nouns = rng.sample(NOUNS, rng.choice((3, 4)))
    verbs = rng.sample(VERBS, 3)
    title = f"{nouns[0].title()} and {nouns[1]} handbook {number}"
    parts = [f"# {title}", ""]
    for section in range(SECTIONS):
        focus = nouns[section % len(nouns)]
        heading = f"{gerund(verbs[section % 3]).title()} {plural(focus)}"
        # A section is about its noun and one other: a noun is then in some 40 passages, few enough for the keyword
        # side (a word in more than 2 % of the passages is not looked up there).
        pair = [focus, rng.choice([n for n in nouns if n != focus])]
        parts += [f"## {heading}", "", " ".join(_sentence(rng, pair, verbs) for _ in range(2)), ""]
    return title, "\n".join(parts)


def write_documents(kb_dir: Path, count: int) -> None:
    """`count` generated Markdown files in a folder of the knowledgebase directory (the scan adopts them)."""
    folder = kb_dir / "handbooks"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        _, text = document(number)
        (folder / f"handbook-{number:03}.md").write_text(text, encoding="utf-8")


def task_text(number: int) -> tuple[str, str]:
    rng = random.Random(100_000 + number)
    noun, other = rng.sample(NOUNS, 2)
    verb = rng.choice(VERBS)
    title = f"{verb.title()} the {noun} in the {rng.choice(PLACES)}"
    return title, f"The {plural(noun)} need it before the {other} is {past(rng.choice(VERBS))}. Ticket {number}."


def grow_tasks(connection: sqlite3.Connection, rows: int) -> None:
    """Copies of the seeded tasks (new ids) until there are `rows`; the copies get generated titles and descriptions,
    a label and a checklist item each."""
    columns = [r[1] for r in connection.execute("PRAGMA table_info(task)") if r[1] != "id"]
    names = ", ".join(f'"{c}"' for c in columns)
    first = connection.execute("SELECT max(id) FROM task").fetchone()[0]
    while connection.execute("SELECT COUNT(*) FROM task").fetchone()[0] < rows:
        connection.execute(f"INSERT INTO task ({names}) SELECT {names} FROM task LIMIT ?", (rows,))
    connection.execute("DELETE FROM task WHERE id > (SELECT id FROM task ORDER BY id LIMIT 1 OFFSET ?)", (rows - 1,))
    connection.executemany(
        "UPDATE task SET title = ?, description = ? WHERE id = ?",
        [(*task_text(n), n) for (n,) in connection.execute("SELECT id FROM task WHERE id > ?", (first,)).fetchall()],
    )
    connection.execute("INSERT OR IGNORE INTO task_label (task_id, label_id) SELECT id, 1 FROM task")
    connection.execute(
        "INSERT INTO task_checklist_item (task_id, text, done, position, created_at, updated_at) "
        "SELECT id, 'Check', id % 2, 5, created_at, updated_at FROM task WHERE id > ?",
        (first,),
    )


def exhaustive_vector_search(index_dir: Path, vectors: int) -> None:
    """Make the stopped appliance's embedded vector index search all of its `vectors` (HNSW's ef_search). The test
    embedder's hashed vectors are all about as far apart, which defeats the approximate search at this size: it
    missed a question's nearest passage, and which ones it missed changed from one start to the next (measured: 3
    of 23 questions' top five changed between two starts on the same files, on SQLite alone). Searched in full, the
    vector side is exact and the same on every start, so the search results compared differ only if the database's
    side does."""
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings

    import devcell.search._chroma  # noqa: F401 - registers the embedding function the collection's config names

    client = chromadb.PersistentClient(path=str(index_dir), settings=Settings(anonymized_telemetry=False))
    try:
        [collection] = client.list_collections()
        collection.modify(configuration={"hnsw": {"ef_search": vectors}})
    finally:
        client.close()
        system = SharedSystemClient._identifier_to_system.pop(str(index_dir), None)
        SharedSystemClient._identifier_to_refcount.pop(str(index_dir), None)
        if system is not None:
            system.stop()
