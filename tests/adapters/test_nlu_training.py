"""Training the NLU model: Rasa's progress read from its output, the time left, the model shelf."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adapters.nlu_training import (
    MODELS_KEPT,
    ModelShelf,
    TrainingProgress,
    default_cache_dir,
    expected_seconds,
    model_path,
    progress_printer,
    read_epoch,
)

# Lines as Rasa 3.6 (tqdm over Keras epochs) writes them, copied from a real training log.
FIRST = "Epochs:   0%|          | 0/40 [00:00<?, ?it/s]"
SLOW = "Epochs:  33%|███▎      | 1/3 [00:37<01:15, 37.59s/it, t_loss=5.58, i_acc=0.595]"
FAST = "Epochs:  38%|███▊      | 15/40 [02:05<02:56,  7.04s/it, t_loss=8.06, i_acc=0.995]"
RATE = "Epochs:  50%|█████     | 30/60 [00:20<00:20,  1.50it/s, t_loss=1.2, i_acc=0.9]"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (FIRST, (0, 40, None)),
        (SLOW, (1, 3, 37.59)),
        (FAST, (15, 40, 7.04)),
        (RATE, (30, 60, pytest.approx(1 / 1.5))),
        # tqdm rewrites its line with "\r": the last update in a chunk counts.
        (SLOW + "\r" + FAST, (15, 40, 7.04)),
        ("2026-12-02 11:22:38 INFO rasa.engine.training.hooks - Finished training", None),
        ("Epochs: nonsense", None),
    ],
)
def test_epochs_are_read_from_rasa_output(line: str, expected: object) -> None:
    assert read_epoch(line) == expected


def test_time_left_comes_from_the_last_run_until_epochs_show_their_pace() -> None:
    progress = TrainingProgress(expected_seconds=200.0, started=1000.0)
    assert progress.seconds_left(now=1050.0) == 150.0
    # Never "0 s left" while it is still running late.
    assert progress.seconds_left(now=1500.0) == 30.0
    progress.seen(10, 40, 6.0, now=1060.0)
    assert progress.seconds_left(now=1061.0) == 30 * 6.0 + 20.0
    progress.finished = True
    assert progress.seconds_left(now=1062.0) == 0.0


def test_the_expected_time_is_the_last_training_on_this_machine(tmp_path: Path) -> None:
    assert expected_seconds(tmp_path) == TrainingProgress().expected_seconds
    (tmp_path / ".last-training.json").write_text('{"seconds": 123.4, "model": "nlu-x"}')
    assert expected_seconds(tmp_path) == 123.4
    (tmp_path / ".last-training.json").write_text("not json")
    assert expected_seconds(tmp_path) == TrainingProgress().expected_seconds


def _model(directory: Path, name: str, age: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"nlu-{name}.tar.gz"
    path.write_bytes(name.encode())
    os.utime(path, (1_700_000_000 + age, 1_700_000_000 + age))
    return path


def test_a_model_only_the_cache_has_is_restored_into_models(tmp_path: Path) -> None:
    models, cache = tmp_path / "models", tmp_path / "cache"
    _model(cache, "abc", 1)
    shelf = ModelShelf(models, cache)
    found = shelf.find(models / "nlu-abc.tar.gz")
    assert found == models / "nlu-abc.tar.gz"
    assert found.read_bytes() == b"abc"
    assert shelf.find(models / "nlu-other.tar.gz") is None
    assert ModelShelf(tmp_path / "elsewhere", None).find(tmp_path / "elsewhere" / "x") is None


def test_a_new_model_goes_to_the_cache_and_only_the_last_ones_are_kept(tmp_path: Path) -> None:
    models, cache = tmp_path / "models", tmp_path / "cache"
    for age, name in enumerate(["a", "b", "c", "d"]):
        _model(models, name, age)
        _model(cache, name, age)
    newest = _model(models, "e", 10)
    shelf = ModelShelf(models, cache)
    shelf.keep(newest)
    kept = {p.name for p in models.glob("nlu-*.tar.gz")}
    assert kept == {"nlu-e.tar.gz", "nlu-d.tar.gz", "nlu-c.tar.gz"}
    assert {p.name for p in cache.glob("nlu-*.tar.gz")} == kept
    assert len(kept) == MODELS_KEPT
    assert (cache / "nlu-e.tar.gz").read_bytes() == b"e"
    assert shelf.newest_other(newest) == models / "nlu-d.tar.gz"


def test_the_model_name_follows_the_training_data(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "config.yml").write_text("pipeline: []\n")
    (tmp_path / "en" / "nlu.yml").write_text("nlu: []\n")
    before = model_path(tmp_path / "models", tmp_path)
    (tmp_path / "en" / "nlu.yml").write_text("nlu: [] # edited\n")
    assert model_path(tmp_path / "models", tmp_path) != before
    assert before.name.startswith("nlu-")
    assert before.name.endswith(".tar.gz")


def test_the_cache_can_be_moved_or_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSERELLE_MODEL_CACHE", "/somewhere/models")
    assert default_cache_dir() == Path("/somewhere/models")
    monkeypatch.setenv("PASSERELLE_MODEL_CACHE", "")
    assert default_cache_dir() is None
    monkeypatch.delenv("PASSERELLE_MODEL_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert default_cache_dir() == Path("/xdg/passerelle/models")


def test_progress_in_ci_is_a_line_per_tenth_and_in_a_terminal_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    said: list[str] = []
    show = progress_printer(said.append, interactive=False)
    progress = TrainingProgress()
    for epoch in range(41):
        progress.seen(epoch, 40, 5.0, now=0.0)
        show(progress)
    assert len(said) == 11
    assert said[1] == "training: epoch 4/40, about 3 min 20 s left"
    assert said[-1] == "training: epoch 40/40, about 20 s left"

    show = progress_printer(said.append, interactive=True)
    progress.seen(20, 40, 5.0, now=0.0)
    show(progress)
    progress.finished = True
    show(progress)
    out = capsys.readouterr().out
    assert out.startswith("\r  epoch 20/40 [###############...............] about 2 min 00 s left")
    assert out.endswith("\n")
