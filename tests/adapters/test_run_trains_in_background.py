"""`passerelle run` with no model for its NLU data: it serves at once, trains in the background,
says so honestly to typed messages, and loads the model into the running Rasa server.

The data is a small slice of nlu_data/ (a few examples of every intent, English and French) so
the real `rasa train nlu` takes well under a minute; the pipeline is DIET with a few epochs,
so the epochs show up as progress.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from adapters.rasa_process import free_port
from adapters.settings import PROJECT_DIR

LIMIT_SECONDS = 240
SMALL_CONFIG = """\
recipe: default.v1
language: xx
assistant_id: passerelle-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 3
  - name: DIETClassifier
    epochs: 30
    random_seed: 1
    number_of_transformer_layers: 0
    entity_recognition: false
  - name: FallbackClassifier
    threshold: 0.3
policies: []
"""


def small_nlu_data(target: Path, per_intent: int = 6) -> None:
    for lang in ("en", "fr"):
        (target / lang).mkdir(parents=True)
        for source in sorted((PROJECT_DIR / "nlu_data" / lang).glob("*.yml")):
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
            for item in data["nlu"]:
                lines = [line for line in item["examples"].splitlines() if line.strip()]
                item["examples"] = "\n".join(lines[:per_intent]) + "\n"
            (target / lang / source.name).write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
    (target / "config.yml").write_text(SMALL_CONFIG, encoding="utf-8")


@pytest.fixture
def bot_without_model(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    small_nlu_data(tmp_path / "nlu")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"RASA_URL", "DATABASE_URL"}}
    env.update(
        PASSERELLE_VAR_DIR=str(tmp_path / "var"),
        PASSERELLE_NLU_DIR=str(tmp_path / "nlu"),
        PASSERELLE_MODELS_DIR=str(tmp_path / "models"),
        PASSERELLE_MODEL_CACHE="",
        # Rasa's own cache of trained components would skip the epochs of a known config.
        RASA_MAX_CACHE_SIZE="0",
    )
    log = (tmp_path / "run.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "run", "--port", str(port)],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process, f"http://127.0.0.1:{port}", tmp_path
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        log.close()


def _poll(url: str, process: subprocess.Popen[bytes], done: Any) -> httpx.Response:
    deadline = time.monotonic() + LIMIT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "passerelle run exited"
        try:
            response = httpx.get(url, timeout=5)
            if done(response):
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} never reached the expected state")


def _say(base: str, **body: str) -> list[dict[str, Any]]:
    response = httpx.post(
        f"{base}/webchat/api/messages",
        json={"user": "training-test-user-0001", **body},
        timeout=30,
    )
    assert response.status_code == 200
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


@pytest.mark.rasa
def test_the_bot_answers_while_its_first_model_trains_then_understands_typing(
    bot_without_model: tuple[subprocess.Popen[bytes], str, Path],
) -> None:
    process, base, tmp_path = bot_without_model
    started = time.monotonic()
    health = _poll(f"{base}/healthz", process, lambda r: r.status_code == 200)
    assert health.json()["nlu"] == "training"
    assert set(health.json()["training"]) == {"epoch", "epochs", "seconds_left"}
    assert httpx.get(f"{base}/readyz", timeout=5).status_code == 503

    # Buttons and commands work at once; typed text is told when it will work.
    menu = _say(base, text="/start", lang="en")
    assert menu[-1]["buttons"], "the menu comes with its buttons"
    typed = _say(base, text="hello, can someone help me with my project")
    assert "I am still learning to read typed messages" in typed[0]["text"]
    assert " min" in typed[0]["text"]

    ready = _poll(f"{base}/readyz", process, lambda r: r.status_code == 200)
    assert ready.json() == {"database": "ok", "nlu": "ok"}
    assert time.monotonic() - started < LIMIT_SECONDS
    [model] = (tmp_path / "models").glob("nlu-*.tar.gz")
    assert (tmp_path / "models" / ".last-training.json").is_file()

    answer = _say(base, text="hello")
    assert "still learning" not in answer[0]["text"]
    assert "cannot read typed messages" not in answer[0]["text"]
    log = (tmp_path / "run.log").read_text()
    assert f"NLU model {model.name} loaded into the running Rasa server" in log
    # Progress from Rasa's own epoch lines, a line per tenth (the last one is 30/30).
    assert "training: epoch 30/30" in log
    [rasa_starts] = [log.count("Rasa server starting on")]
    assert rasa_starts == 1, "the model is loaded without restarting Rasa"
