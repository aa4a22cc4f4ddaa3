"""The NLU of ``passerelle run``: a Rasa server the bot starts itself, or one at ``RASA_URL``.

The bot serves at once. When the model for ``nlu_data/`` is missing it is trained in the
background while the Rasa server runs empty (or with the previous model, when one is kept):
buttons and commands work from the first second, typed text gets an honest "I can read typed
messages in about N minutes" (``NluStillTraining``), and the new model is loaded into the
running server (``PUT /model``) the moment it is ready, without a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Coroutine
from dataclasses import dataclass

from adapters.nlu_training import (
    ModelShelf,
    TrainingProgress,
    default_cache_dir,
    expected_seconds,
    model_path,
    progress_printer,
    train_model,
    training_command_for,
)
from adapters.rasa import RasaNlu
from adapters.rasa_process import RasaServer, RasaSetupError, child_environment
from adapters.settings import Settings
from bot.engine.inputs import NluResult
from bot.ports import NluStillTraining

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NluHealth:
    """What ``/healthz`` says of the NLU: ok, starting, training, failed or down."""

    state: str
    training: dict[str, float | int] | None = None

    @property
    def ready(self) -> bool:
        return self.state == "ok"


class RemoteNlu:
    """A Rasa server run elsewhere (``RASA_URL``): nothing to start or train."""

    def __init__(self, url: str, token: str | None) -> None:
        self.client = RasaNlu(url, token)

    async def parse(self, text: str) -> NluResult:
        return await self.client.parse(text)

    async def start(self) -> None:
        return None

    async def health(self) -> NluHealth:
        return NluHealth("ok" if await self.client.ready() else "down")

    async def stop(self) -> None:
        await self.client.aclose()


class LocalNlu:
    """The Rasa child process of this bot, and the training of the model it lacks."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        models_dir = settings.models_dir.absolute()
        self._wanted = model_path(models_dir, settings.nlu_dir.absolute())
        self._shelf = ModelShelf(models_dir, default_cache_dir())
        found = self._shelf.find(self._wanted)
        self._needs_training = found is None
        serving = found or self._shelf.newest_other(self._wanted)
        self._log_dir = settings.var_dir.absolute() / "log"
        self.server = RasaServer(settings.rasa_venv, serving, self._log_dir / "rasa.log")
        self.client = RasaNlu(self.server.url, self.server.token)
        self.progress: TrainingProgress | None = None
        self._failed = False
        self._tasks: set[asyncio.Task[None]] = set()

    async def parse(self, text: str) -> NluResult:
        if self.server.model is None and self.progress is not None and not self._failed:
            minutes = max(1, math.ceil(self.progress.seconds_left() / 60))
            raise NluStillTraining(minutes)
        return await self.client.parse(text)

    async def start(self) -> None:
        await self.server.start()
        self._spawn(self._announce_ready(), "nlu-ready")
        if self._needs_training:
            self.progress = TrainingProgress(expected_seconds(self._wanted.parent))
            self._spawn(self._train_then_load(), "nlu-training")

    async def health(self) -> NluHealth:
        if self._failed and self.server.model is None:
            return NluHealth("failed")
        if self.progress is not None and not self.progress.finished:
            return NluHealth("training", self.progress.as_dict())
        if await self.client.ready():
            return NluHealth("ok")
        return NluHealth("starting" if self.server.restarts == 0 else "down")

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.server.stop()
        await self.client.aclose()

    def _spawn(self, work: Coroutine[object, object, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _train_then_load(self) -> None:
        assert self.progress is not None
        settings = self._settings
        command = training_command_for(settings.rasa_venv, settings.nlu_dir, self._wanted)
        say = progress_printer(_log_line, interactive=False)
        serving = self.server.model.name if self.server.model else "none: buttons only"
        log.info("training the NLU model %s (serving meanwhile: %s)", self._wanted.name, serving)
        try:
            seconds = await train_model(
                command,
                self._wanted,
                self._log_dir / "rasa-train.log",
                child_environment(),
                say,
                self.progress,
            )
            await asyncio.to_thread(self._shelf.keep, self._wanted)
            await self.server.wait_ready(_log_line, with_model=False)
            await self.server.load(self._wanted)
        except RasaSetupError as problem:
            self._failed = True
            self.progress.finished = True
            log.error("%s; typed messages get the button-only answer", problem)
            return
        log.info("NLU ready: trained in %.0f s and loaded without a restart", seconds)

    async def _announce_ready(self) -> None:
        if self.server.model is None:
            return
        try:
            seconds = await self.server.wait_ready(_log_line)
        except RasaSetupError as problem:
            log.error("%s; typed messages get the button-only answer meanwhile", problem)
            return
        log.info("NLU ready: Rasa answered after %.1f s with %s", seconds, self.server.model.name)


def _log_line(line: str) -> None:
    log.info("%s", line)


def build_nlu(settings: Settings) -> LocalNlu | RemoteNlu:
    if settings.rasa_url:
        return RemoteNlu(settings.rasa_url, settings.rasa_token)
    return LocalNlu(settings)
