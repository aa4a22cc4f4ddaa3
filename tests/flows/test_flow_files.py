"""Every flow in flows/: valid, drawn (diagram up to date) and covered by a transcript."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.flows.diagram import mermaid
from tests.support.builders import CONTENT_DIR, content

TRANSCRIPTS = Path(__file__).resolve().parent.parent / "transcripts"
FLOW_IDS = sorted(content().flows)


def test_there_is_at_least_the_prequalification_flow() -> None:
    assert "prequalification" in FLOW_IDS


@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_the_committed_diagram_is_up_to_date(flow_id: str) -> None:
    committed = CONTENT_DIR / f"{flow_id}.mmd"
    expected = mermaid(content().flows[flow_id], f"{flow_id}.yml")
    assert committed.is_file(), f"run `passerelle flows diagram` to create {committed.name}"
    assert committed.read_text(encoding="utf-8") == expected, (
        f"{committed.name} is stale: run `passerelle flows diagram`"
    )


@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_every_flow_has_a_transcript(flow_id: str) -> None:
    assert (TRANSCRIPTS / f"{flow_id}.yml").is_file(), f"no tests/transcripts/{flow_id}.yml"
