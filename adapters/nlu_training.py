"""Training the NLU model: which model the data asks for, where trained models are kept, and
one training run of ``rasa train nlu`` with its progress.

A model is named after a hash of its training data and config (``nlu-<hash>.tar.gz``), so a
model trained once is found again: in ``models/``, else in a cache outside the checkout
(``PASSERELLE_MODEL_CACHE``, default ``~/.cache/passerelle/models``) that a fresh clone on the
same machine — CI's, a second checkout — restores from. The last few models are kept in both.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from adapters.rasa_process import (
    RASA_VERSION,
    RasaSetupError,
    child_environment,
    rasa_executable,
)

log = logging.getLogger(__name__)

MODEL_PREFIX = "nlu-"
MODELS_KEPT = 3
# Until a run has shown its pace: the measured training time of nlu_data/ (docs/benchmarks.md).
DEFAULT_TRAINING_SECONDS = 240.0
LAST_TRAINING_FILE = ".last-training.json"
# tqdm's line for Keras epochs, e.g. "Epochs:  33%|███▎      | 1/3 [00:37<01:15, 37.59s/it, ..."
EPOCH_LINE = re.compile(
    r"Epochs:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+) \[[^<\]]*<[^,\]]*(?:, *([\d.]+)(s/it|it/s))?"
)


class TrainingFailed(RasaSetupError):
    """``rasa train nlu`` did not produce the model; the message says where its output is."""


def training_fingerprint(nlu_dir: Path) -> str:
    """A hash of every training file and the config, and the Rasa version: the model name."""
    digest = hashlib.sha256(RASA_VERSION.encode())
    for path in sorted(
        p for p in nlu_dir.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml"}
    ):
        digest.update(str(path.relative_to(nlu_dir)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(models_dir: Path, nlu_dir: Path) -> Path:
    return models_dir / f"{MODEL_PREFIX}{training_fingerprint(nlu_dir)}.tar.gz"


def default_cache_dir() -> Path | None:
    """``PASSERELLE_MODEL_CACHE`` (empty: no cache), else the user's cache directory."""
    configured = os.environ.get("PASSERELLE_MODEL_CACHE")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "passerelle" / "models"


@dataclass(frozen=True, slots=True)
class ModelShelf:
    """``models/`` and the machine's cache of trained models; an empty cache path disables it."""

    models_dir: Path
    cache_dir: Path | None

    def find(self, wanted: Path) -> Path | None:
        """The model at ``wanted``, restored from the cache if only the cache has it."""
        if wanted.is_file():
            return wanted
        cached = self.cache_dir / wanted.name if self.cache_dir else None
        if cached is None or not cached.is_file():
            return None
        self.models_dir.mkdir(parents=True, exist_ok=True)
        partial = wanted.with_suffix(".partial")
        shutil.copyfile(cached, partial)
        partial.replace(wanted)
        log.info("NLU model %s restored from %s", wanted.name, self.cache_dir)
        return wanted

    def newest_other(self, wanted: Path) -> Path | None:
        """The most recent model trained from other data: served while ``wanted`` trains."""
        others = [p for p in self._models(self.models_dir) if p.name != wanted.name]
        return max(others, key=lambda p: p.stat().st_mtime, default=None)

    def keep(self, trained: Path) -> None:
        """Copy a new model into the cache; keep the last few models in both places."""
        if self.cache_dir is not None:
            with contextlib.suppress(OSError):
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                partial = self.cache_dir / f"{trained.name}.partial"
                shutil.copyfile(trained, partial)
                partial.replace(self.cache_dir / trained.name)
                self._prune(self.cache_dir, trained)
        self._prune(self.models_dir, trained)

    def _prune(self, directory: Path, current: Path) -> None:
        older = sorted(self._models(directory), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in [p for p in older if p.name != current.name][MODELS_KEPT - 1 :]:
            stale.unlink(missing_ok=True)

    @staticmethod
    def _models(directory: Path) -> list[Path]:
        if not directory.is_dir():
            return []
        return list(directory.glob(f"{MODEL_PREFIX}*.tar.gz"))


@dataclass(slots=True)
class TrainingProgress:
    """What a running training has shown so far, and an honest estimate of what is left."""

    expected_seconds: float = DEFAULT_TRAINING_SECONDS
    started: float = field(default_factory=time.monotonic)
    epoch: int = 0
    epochs: int = 0
    seconds_per_epoch: float | None = None
    epochs_started_at: float | None = None
    finished: bool = False

    def seen(self, epoch: int, epochs: int, seconds_per_epoch: float | None, now: float) -> None:
        if self.epochs_started_at is None:
            self.epochs_started_at = now
        self.epoch, self.epochs = epoch, epochs
        if seconds_per_epoch is not None:
            self.seconds_per_epoch = seconds_per_epoch

    def seconds_left(self, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        if self.finished:
            return 0.0
        if self.epochs and self.seconds_per_epoch:
            # Saving and loading the model after the last epoch take a little while too.
            return (self.epochs - self.epoch) * self.seconds_per_epoch + 20.0
        return max(self.expected_seconds - (now - self.started), 30.0)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "epoch": self.epoch,
            "epochs": self.epochs,
            "seconds_left": round(self.seconds_left()),
        }


def read_epoch(line: str) -> tuple[int, int, float | None] | None:
    """(epoch, epochs, seconds per epoch) from one tqdm line of Rasa's output, if it is one."""
    updates = list(EPOCH_LINE.finditer(line))
    if not updates:
        return None
    found = updates[-1]
    rate: float | None = None
    if found.group(3):
        value = float(found.group(3))
        rate = value if found.group(4) == "s/it" else (1.0 / value if value else None)
    return int(found.group(1)), int(found.group(2)), rate


def rasa_training_command(
    rasa_venv: Path, config: Path, nlu_dir: Path, out_dir: Path, name: str
) -> list[str]:
    return [
        str(rasa_executable(rasa_venv)),
        "train",
        "nlu",
        "--config",
        str(config),
        "--nlu",
        str(nlu_dir),
        "--out",
        str(out_dir),
        "--fixed-model-name",
        name,
    ]


def expected_seconds(models_dir: Path) -> float:
    """How long the last training on this machine took, else the documented figure."""
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        record = json.loads((models_dir / LAST_TRAINING_FILE).read_text(encoding="utf-8"))
        return float(record["seconds"])
    return DEFAULT_TRAINING_SECONDS


async def train_model(
    command: list[str],
    target: Path,
    log_path: Path,
    environment: dict[str, str],
    on_progress: Callable[[TrainingProgress], None],
    progress: TrainingProgress | None = None,
) -> float:
    """Run one training; its whole output goes to ``log_path``. Returns the seconds it took.
    ``progress``, when given, is kept up to date for others to read (the bot's /healthz)."""
    if progress is None:
        progress = TrainingProgress()
    progress.expected_seconds = expected_seconds(target.parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=environment,
        start_new_session=True,
    )
    assert process.stdout is not None
    try:
        with log_path.open("wb") as output:
            await _follow(process.stdout, output, progress, on_progress)
        code = await process.wait()
    except asyncio.CancelledError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        await process.wait()
        raise
    if code != 0 or not await asyncio.to_thread(target.is_file):
        raise TrainingFailed(f"Rasa training failed (exit code {code}); see {log_path}")
    seconds = time.monotonic() - progress.started
    progress.finished = True
    on_progress(progress)
    with contextlib.suppress(OSError):
        record = {"seconds": round(seconds, 1), "model": target.name}
        (target.parent / LAST_TRAINING_FILE).write_text(json.dumps(record), encoding="utf-8")
    return seconds


async def _follow(
    stream: asyncio.StreamReader,
    output: BinaryIO,
    progress: TrainingProgress,
    on_progress: Callable[[TrainingProgress], None],
) -> None:
    # tqdm rewrites its line with "\r": split on both kinds of line end to see every update.
    pending = b""
    while chunk := await stream.read(4096):
        output.write(chunk)
        pending += chunk
        *lines, pending = re.split(rb"[\r\n]", pending)
        for raw in lines:
            epoch = read_epoch(raw.decode("utf-8", "replace"))
            if epoch is not None:
                progress.seen(*epoch, now=time.monotonic())
                on_progress(progress)


def progress_printer(
    say: Callable[[str], None], interactive: bool
) -> Callable[[TrainingProgress], None]:
    """Epochs and the time left: one line rewritten in a terminal, a line per tenth in CI."""
    shown: list[int] = []

    def show(progress: TrainingProgress) -> None:
        if progress.finished or not progress.epochs:
            if interactive and shown:
                print(flush=True)
            return
        left = _minutes_and_seconds(progress.seconds_left())
        if interactive:
            done = progress.epoch * 30 // progress.epochs
            bar = "#" * done + "." * (30 - done)
            line = f"  epoch {progress.epoch}/{progress.epochs} [{bar}] about {left} left"
            print(f"\r{line}", end="", flush=True)
            shown.append(progress.epoch)
            return
        tenth = progress.epoch * 10 // progress.epochs
        if tenth not in shown:
            shown.append(tenth)
            say(f"training: epoch {progress.epoch}/{progress.epochs}, about {left} left")

    return show


def _minutes_and_seconds(seconds: float) -> str:
    whole = max(int(seconds), 0)
    return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{whole} s"


def train_if_needed(
    rasa_venv: Path,
    nlu_dir: Path,
    models_dir: Path,
    say: Callable[[str], None],
    *,
    log_path: Path,
    cache_dir: Path | None = None,
    interactive: bool = False,
) -> Path:
    """The model for exactly this data: found, restored from the cache, or trained now."""
    wanted = model_path(models_dir, nlu_dir)
    shelf = ModelShelf(models_dir, cache_dir)
    if shelf.find(wanted) is not None:
        say(f"NLU model is up to date: {wanted.name}")
        return wanted
    command = training_command_for(rasa_venv, nlu_dir, wanted)
    minutes = _minutes_and_seconds(expected_seconds(models_dir))
    say(f"training the NLU model from {nlu_dir.name}/ (about {minutes} here; log: {log_path})")
    seconds = asyncio.run(
        train_model(
            command, wanted, log_path, child_environment(), progress_printer(say, interactive)
        )
    )
    shelf.keep(wanted)
    say(f"trained {wanted.name} in {seconds:.0f} s")
    return wanted


def training_command_for(rasa_venv: Path, nlu_dir: Path, wanted: Path) -> list[str]:
    name = wanted.name.removesuffix(".tar.gz")
    return rasa_training_command(rasa_venv, nlu_dir / "config.yml", nlu_dir, wanted.parent, name)
