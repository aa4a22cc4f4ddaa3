"""Every case of every transcript in tests/transcripts/*.yml, with its log output scanned: no
text the person typed, no channel id, no secret may appear in any log line (SQLAlchemy's
statement log included, with its parameters hidden)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine

from tests.support.builders import TEST_ENCRYPTION_KEY, TEST_SECRET
from tests.transcripts.runner import USER, Case, load_cases, run_case


def _kept_out_of_logs(case: Case) -> list[str]:
    typed = [
        str(turn["text"])
        for turn in case.turns
        if "text" in turn and not str(turn["text"]).startswith("/") and len(str(turn["text"])) > 3
    ]
    return [USER, TEST_SECRET, TEST_ENCRYPTION_KEY, *typed]


@pytest.mark.parametrize("case", load_cases(), ids=lambda case: f"{case.file}:{case.name}")
async def test_transcript(case: Case, db: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # statements and parameters
    await run_case(case, db)
    logged = caplog.text
    assert "[SQL parameters hidden due to hide_parameters=True]" in logged  # statements are read
    leaked = [secret for secret in _kept_out_of_logs(case) if secret in logged]
    assert leaked == [], f"in the log: {leaked}"
