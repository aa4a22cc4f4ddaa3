"""Every case of every transcript in tests/transcripts/*.yml."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.transcripts.runner import Case, load_cases, run_case


@pytest.mark.parametrize("case", load_cases(), ids=lambda case: f"{case.file}:{case.name}")
async def test_transcript(case: Case, db: Engine) -> None:
    await run_case(case, db)
