"""Hypothesis settings for the property tests, with the committed database of examples.

``tests/properties/examples`` holds the examples Hypothesis found or shrank while these tests
were written (and the ones each failure adds): every run replays them first. In CI the
database is read only, so a run never changes what is committed.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase, ReadOnlyDatabase

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
_directory = DirectoryBasedExampleDatabase(EXAMPLES_DIR)

settings.register_profile(
    "passerelle",
    database=ReadOnlyDatabase(_directory) if os.environ.get("CI") else _directory,
    deadline=None,  # a turn writes to a real database: its time varies with the machine
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("passerelle")
