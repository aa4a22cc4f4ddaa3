"""The local Rasa server: train the NLU model when its data changed, run and supervise it.

Rasa 3.6 lives in its own Python 3.10 environment (``.venv-rasa``); we only ever talk to it
as a child process and over HTTP. The child dies with us: it gets its own process group
(stopped as a whole) and, on Linux, a parent-death signal so even ``kill -9`` of the bot
leaves no Rasa behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import secrets
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx

log = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"
READY_TIMEOUT_SECONDS = 300.0
STOP_GRACE_SECONDS = 10.0
RESTART_BACKOFF_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)
PR_SET_PDEATHSIG = 1
LOAD_TIMEOUT_SECONDS = 120.0


class RasaSetupError(Exception):
    """Rasa cannot be trained or started; the message says what to do."""


def rasa_executable(rasa_venv: Path) -> Path:
    executable = rasa_venv / "bin" / "rasa"
    if not executable.is_file():
        raise RasaSetupError(
            f"Rasa {RASA_VERSION} is not installed in {rasa_venv}; run `make run` or `make setup`"
        )
    return executable


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "PYTHONWARNINGS": "ignore",
        }
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def rasa_run_arguments(token: str, model: Path, port: int) -> list[str]:
    """``rasa run`` arguments. The token is joined to its option: a random token may start
    with "-", and argparse then reads "--auth-token -x..." as a missing value (Rasa exits 2)."""
    return [
        "run",
        "--enable-api",
        f"--auth-token={token}",
        "--model",
        str(model),
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
    ]


class RasaServer:
    """Runs ``rasa run --enable-api`` on 127.0.0.1 and restarts it if it crashes.

    With no model yet (the first one is still training) the server starts empty and answers
    409 until ``load`` hands it one; a restart after a crash starts with the model last loaded.
    """

    def __init__(
        self, rasa_venv: Path, model: Path | None, log_path: Path, port: int | None = None
    ):
        self.executable = rasa_executable(rasa_venv)
        self.model = model
        self.port = port or free_port()
        self.token = secrets.token_urlsafe(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self._log_path = log_path
        self._process: asyncio.subprocess.Process | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._stopping = False
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def start(self) -> None:
        self._stopping = False
        await self._spawn()
        self._supervisor = asyncio.create_task(self._supervise(), name="rasa-supervisor")

    async def _spawn(self) -> None:
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        log_file = self._log_path.open("ab")
        try:
            self._process = await asyncio.create_subprocess_exec(
                str(self.executable),
                *rasa_run_arguments(self.token, self.model or self._no_model(), self.port),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log_file,
                stderr=log_file,
                env=child_environment(),
                preexec_fn=_die_with_parent,
            )
        finally:
            log_file.close()
        log.info("Rasa server starting on %s (pid %s)", self.url, self._process.pid)

    def _no_model(self) -> Path:
        # An empty directory: Rasa warns "no valid model" and serves without an agent.
        empty = self._log_path.parent / "rasa-no-model"
        empty.mkdir(parents=True, exist_ok=True)
        return empty

    async def load(self, model: Path) -> None:
        """Load ``model`` (an absolute path) into the running server (``PUT /model``), without
        a restart."""
        async with httpx.AsyncClient(timeout=LOAD_TIMEOUT_SECONDS) as client:
            try:
                response = await client.put(
                    f"{self.url}/model",
                    params={"token": self.token},
                    json={"model_file": str(model)},
                )
            except httpx.HTTPError as error:
                raise RasaSetupError(f"Rasa could not load {model.name}: {error!r}") from error
        if response.status_code != 204:
            raise RasaSetupError(
                f"Rasa could not load {model.name}: HTTP {response.status_code}; "
                f"see {self._log_path}"
            )
        self.model = model
        log.info("NLU model %s loaded into the running Rasa server", model.name)

    async def _supervise(self) -> None:
        while not self._stopping and self._process is not None:
            code = await self._process.wait()
            if self._stopping:
                return
            delay = RESTART_BACKOFF_SECONDS[min(self.restarts, len(RESTART_BACKOFF_SECONDS) - 1)]
            log.error("Rasa server exited with code %s; restarting in %.0f s", code, delay)
            await asyncio.sleep(delay)
            if self._stopping:
                return
            self.restarts += 1
            await self._spawn()

    async def wait_ready(
        self,
        say: Callable[[str], None],
        limit_seconds: float = READY_TIMEOUT_SECONDS,
        *,
        with_model: bool = True,
    ) -> float:
        """Poll ``/status`` until the model is loaded (or, ``with_model=False``, until the
        server answers at all: 409 is an empty server); returns the seconds it took."""
        started = time.monotonic()
        last_said = started
        async with httpx.AsyncClient(timeout=2.0) as client:
            while True:
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    response = await client.get(f"{self.url}/status", params={"token": self.token})
                    if not with_model and response.status_code in {200, 409}:
                        return time.monotonic() - started
                    if response.status_code == 200 and response.json().get("model_file"):
                        return time.monotonic() - started
                now = time.monotonic()
                if now - started > limit_seconds:
                    raise RasaSetupError(
                        f"Rasa did not become ready in {limit_seconds:.0f} s; see {self._log_path}"
                    )
                if now - last_said >= 5:
                    say(f"waiting for the Rasa server... {now - started:.0f} s")
                    last_said = now
                await asyncio.sleep(0.5)

    async def stop(self) -> None:
        self._stopping = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        process = self._process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_GRACE_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
        log.info("Rasa server stopped")
