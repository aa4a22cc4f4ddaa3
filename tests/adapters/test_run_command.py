"""`passerelle run` as a person starts it: a real process, a real Rasa child, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from adapters.rasa_process import free_port
from adapters.settings import PROJECT_DIR

STARTUP_LIMIT_SECONDS = 240


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose.
    state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    return state != "Z"


def _wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "passerelle run exited during start-up"
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail("passerelle run did not become healthy")


def _first_answer(url: str, process: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "passerelle run exited during start-up"
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("passerelle run never listened")


@pytest.fixture
def running_bot(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"RASA_URL", "DATABASE_URL", "SECRET_KEY", "ENCRYPTION_KEY"}
    }
    env["PASSERELLE_VAR_DIR"] = str(tmp_path / "var")
    log = (tmp_path / "run.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "run", "--port", str(port)],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.rasa
def test_run_serves_the_chat_restarts_a_crashed_rasa_and_stops_it_on_sigterm(
    running_bot: tuple[subprocess.Popen[bytes], str], tmp_path: Path
) -> None:
    process, base = running_bot
    health = _first_answer(f"{base}/healthz", process)
    assert health.status_code == 200, "alive at once: buttons work before Rasa is ready"
    assert health.json() == {"database": "ok", "nlu": "starting"}
    ready = _first_answer(f"{base}/readyz", process)
    assert ready.status_code == 503, "not ready before Rasa has loaded its model"
    _wait_healthy(base, process)
    assert (tmp_path / "var" / "dev-secrets.env").is_file()

    answer = httpx.post(
        f"{base}/webchat/api/messages",
        json={"user": "demo-user-1-abcdefghijkl", "text": "bonjour"},
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.json()["messages"][0]["text"].startswith("Bonjour")

    [rasa] = _children(process.pid)
    os.kill(rasa, signal.SIGKILL)
    time.sleep(1)
    _wait_healthy(base, process)
    [restarted] = _children(process.pid)
    assert restarted != rasa

    process.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal: the conventional exit status.
    assert process.wait(timeout=30) in {0, -signal.SIGTERM}
    assert not _alive(restarted), "Rasa must stop with the bot"
    log = (tmp_path / "run.log").read_text()
    assert "created development secrets" in log
    assert "Rasa server exited with code" in log, "the crash is logged"
    assert "Rasa server stopped" in log


@pytest.mark.rasa
def test_even_kill_9_of_the_bot_leaves_no_rasa_behind(
    running_bot: tuple[subprocess.Popen[bytes], str],
) -> None:
    process, base = running_bot
    _wait_healthy(base, process)
    [rasa] = _children(process.pid)
    process.kill()
    process.wait(timeout=10)
    deadline = time.monotonic() + 20
    while _alive(rasa) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(rasa), "the parent-death signal stops Rasa with the bot"
