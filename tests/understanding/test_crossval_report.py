"""`make crossval`'s summary reads Rasa's intent report and names the weakest intents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.crossval import main


def scores(f1: float, **confused: int) -> dict[str, object]:
    return {
        "precision": f1,
        "recall": f1,
        "f1-score": f1,
        "support": 10,
        "confused_with": confused,
    }


def test_the_summary_gives_accuracy_averages_and_the_weakest_intent_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = {
        "greet": scores(0.95),
        "help": scores(0.62, start_prequalification=24, deny=20),
        "accuracy": 0.771,
        "macro avg": scores(0.779),
        "weighted avg": scores(0.771),
    }
    (tmp_path / "intent_report.json").write_text(json.dumps(report), encoding="utf-8")
    main(tmp_path)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "cross-validation (test folds): accuracy 0.771"
    assert "macro avg: precision 0.779, recall 0.779, F1 0.779" in lines[1]
    weakest = [line.strip() for line in lines[4:]]
    assert weakest == [
        "help: F1 0.620 (confused with start_prequalification 24, deny 20)",
        "greet: F1 0.950 (confused with nothing)",
    ]
