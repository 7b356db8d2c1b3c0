"""The assistant's tests talk to a fake LLM that writes briefs the way a good model does: every section it was
asked for, each statement citing an input. Tests of what happens with worse answers set their own script."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.fakes.llm_server import ANSWER, FakeLLM

_SECTIONS = re.compile(r"Write Markdown with the sections (.+?)\.\n")


def well_formed_brief(body: dict[str, Any]) -> str:
    """Each requested section with a line citing [1]; other requests get the fake's usual answer."""
    found = _SECTIONS.search(str(body["messages"][0]["content"]))
    if found is None:
        return "".join(ANSWER)
    headings = [h.strip() for h in found.group(1).split(",")]
    return "\n\n".join(f"{heading}\n- {''.join(ANSWER)}" for heading in headings)


@pytest.fixture
def fake_llm(fake_llm: FakeLLM) -> FakeLLM:
    fake_llm.script = well_formed_brief
    return fake_llm
