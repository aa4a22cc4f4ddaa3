"""Summarises Rasa's cross-validation report (``make crossval``): accuracy, averages and the
intents the training data leaves most confusable.

    .venv/bin/python -m benchmarks.crossval var/crossval
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

WORST = 6


def main(out_dir: Path) -> None:
    report = json.loads((out_dir / "intent_report.json").read_text(encoding="utf-8"))
    print(f"cross-validation (test folds): accuracy {report['accuracy']:.3f}")
    for name in ("macro avg", "weighted avg"):
        scores = report[name]
        print(
            f"  {name}: precision {scores['precision']:.3f}, recall {scores['recall']:.3f}, "
            f"F1 {scores['f1-score']:.3f}"
        )
    intents = {
        name: scores
        for name, scores in report.items()
        if isinstance(scores, dict) and "support" in scores and not name.endswith(" avg")
    }
    print(f"  {WORST} lowest F1:")
    for name, scores in sorted(intents.items(), key=lambda item: item[1]["f1-score"])[:WORST]:
        confusions = list(scores.get("confused_with", {}).items())[:2]
        confused = ", ".join(f"{other} {count}" for other, count in confusions)
        print(f"    {name}: F1 {scores['f1-score']:.3f} (confused with {confused or 'nothing'})")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("var/crossval"))
