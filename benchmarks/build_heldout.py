"""Builds the evaluation sets from their per-language sources, leaving out any line that is
also a training example (a "hi" written twice is no test of generalisation).

- ``tests/data/heldout/<lang>.jsonl`` -> ``tests/data/nlu_heldout.jsonl``: the first held-out
  set. The second round of training examples was written after its errors were known (by
  kind, not by sentence), so its figures have become optimistic.
- ``tests/data/fresh/<lang>.jsonl`` -> ``tests/data/nlu_fresh.jsonl``: written afterwards by
  writers who saw neither the training examples nor the first set. A third round of examples
  was chosen knowing its errors by kind, so it is somewhat optimistic too.
- ``tests/data/blind/<lang>.jsonl`` -> ``tests/data/nlu_blind.jsonl``: written at the same time
  as the fourth round of training examples, by writers who saw neither those, nor the training
  data, nor the other sets, and measured once, after the detector and the data were final.

    .venv/bin/python -m benchmarks.build_heldout
"""

from __future__ import annotations

import json
from pathlib import Path

from adapters.settings import PROJECT_DIR
from bot.understanding.lexicon import training_examples
from tests.support.builders import NLU_DIR

DATA = PROJECT_DIR / "tests" / "data"
SOURCES = DATA / "heldout"
TARGET = DATA / "nlu_heldout.jsonl"
FRESH_SOURCES = DATA / "fresh"
FRESH_TARGET = DATA / "nlu_fresh.jsonl"
BLIND_SOURCES = DATA / "blind"
BLIND_TARGET = DATA / "nlu_blind.jsonl"
EVALUATION_SETS = (
    (SOURCES, TARGET),
    (FRESH_SOURCES, FRESH_TARGET),
    (BLIND_SOURCES, BLIND_TARGET),
)


def training_texts() -> set[str]:
    languages = tuple(path.name for path in NLU_DIR.iterdir() if path.is_dir())
    return {text.lower() for lang in languages for _, text in training_examples(NLU_DIR, lang)}


def build(sources: Path, target: Path, seen: set[str]) -> None:
    kept, dropped = [], 0
    for path in sorted(sources.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item["text"].strip().lower() in seen:
                dropped += 1
                continue
            kept.append(json.dumps(item, ensure_ascii=False))
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    print(f"{target.name}: {len(kept)} messages written, {dropped} left out as training examples")


def main() -> None:
    seen = training_texts()
    for sources, target in EVALUATION_SETS:
        build(sources, target, seen)


if __name__ == "__main__":
    main()
