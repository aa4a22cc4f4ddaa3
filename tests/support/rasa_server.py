"""The real Rasa server for tests, trained by `make test` and started once per test session."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.nlu_training import model_path
from adapters.rasa_process import RasaServer
from adapters.settings import PROJECT_DIR


def _say(line: str) -> None:
    print(line, file=sys.stderr)


@pytest.fixture(scope="session")
async def rasa_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RasaServer]:
    model = model_path(PROJECT_DIR / "models", PROJECT_DIR / "nlu_data")
    if not model.is_file():
        pytest.fail(f"no trained model {model.name}: run `make test` (it trains one)")
    log_path: Path = tmp_path_factory.mktemp("rasa") / "rasa.log"
    server = RasaServer(PROJECT_DIR / ".venv-rasa", model, log_path)
    await server.start()
    try:
        await server.wait_ready(_say)
        yield server
    finally:
        await server.stop()
