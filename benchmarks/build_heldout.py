"""Builds tests/data/nlu_heldout.jsonl from tests/data/heldout/<lang>.jsonl, leaving out any
line that is also a training example (a "hi" written twice is no test of generalisation).

    .venv/bin/python -m benchmarks.build_heldout
"""

from __future__ import annotations

import json

from adapters.settings import PROJECT_DIR
from bot.understanding.lexicon import training_examples
from tests.support.builders import NLU_DIR

SOURCES = PROJECT_DIR / "tests" / "data" / "heldout"
TARGET = PROJECT_DIR / "tests" / "data" / "nlu_heldout.jsonl"


def training_texts() -> set[str]:
    languages = tuple(path.name for path in NLU_DIR.iterdir() if path.is_dir())
    return {text.lower() for lang in languages for _, text in training_examples(NLU_DIR, lang)}


def main() -> None:
    seen = training_texts()
    kept, dropped = [], 0
    for path in sorted(SOURCES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item["text"].strip().lower() in seen:
                dropped += 1
                continue
            kept.append(json.dumps(item, ensure_ascii=False))
    TARGET.write_text("\n".join(kept) + "\n", encoding="utf-8")
    print(f"{len(kept)} held-out messages written, {dropped} left out as training examples")


if __name__ == "__main__":
    main()
