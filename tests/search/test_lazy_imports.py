"""An idle appliance does not pay for the knowledge runtime: importing the app loads no numerical or model library
(they load on the first knowledge use: DESIGN §3, idle RSS <= 120 MB; start within 2 s)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
HEAVY = ("numpy", "onnxruntime", "tokenizers", "chromadb")


def test_importing_the_app_loads_no_model_library() -> None:
    code = f"import sys, devcell.app; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "[]"
