"""Language identification on the evaluation sets: Passerelle's detector against plain
langdetect.

    .venv/bin/python -m benchmarks.language_id [FILE ...]   (default: the three sets)

Prints accuracy overall, on messages of 1-4 words and per language, for both. No Rasa needed.
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

from adapters.nlu_eval import SHORT_WORDS
from benchmarks.build_heldout import EVALUATION_SETS
from bot.understanding.language import LanguageDetector, choose_language
from bot.understanding.normalize import words
from tests.support.builders import NLU_DIR, catalog


def plain_langdetect(text: str) -> str:
    try:
        return str(detect(text)).split("-")[0]
    except LangDetectException:
        return "?"


def score(items: list[dict[str, str]], guess: Callable[[str], str], name: str) -> None:
    def accuracy(group: list[dict[str, str]]) -> str:
        hits = sum(1 for item in group if guess(item["text"]) == item["lang"])
        return f"{hits / len(group):.3f} ({hits}/{len(group)})" if group else "-"

    short = [item for item in items if len(words(item["text"])) <= SHORT_WORDS]
    print(f"{name}: overall {accuracy(items)}; 1-4 words {accuracy(short)}")
    per_lang = Counter(item["lang"] for item in items)
    print("  " + ", ".join(
        f"{lang} {accuracy([i for i in items if i['lang'] == lang]).split()[0]}"
        for lang in sorted(per_lang)
    ))  # fmt: skip


def main(path: Path) -> None:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    codes = catalog().codes
    tracemalloc.start()
    started = time.perf_counter()
    detector = LanguageDetector.from_examples(NLU_DIR, catalog().languages)
    built = time.perf_counter() - started
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()

    def ours(text: str) -> str:
        detected = detector.detect(text)
        return choose_language(
            None, explicit=None, hint=None, detected=detected, supported=codes, default="fr"
        ).lang

    DetectorFactory.seed = 0
    print(f"{len(items)} messages from {path.name}, {len({i['lang'] for i in items})} languages")
    score(items, ours, "Passerelle detector")
    score(items, plain_langdetect, "plain langdetect")
    started = time.perf_counter()
    for item in items:
        detector.detect(item["text"])
    per_message = (time.perf_counter() - started) / len(items)
    print(
        f"detector: built in {built:.2f} s from nlu_data/, {memory / 2**20:.1f} MiB; "
        f"{per_message * 1e6:.0f} µs per message (langdetect is loaded only for long messages)"
    )


if __name__ == "__main__":
    for path in [Path(arg) for arg in sys.argv[1:]] or [t for _, t in EVALUATION_SETS]:
        main(path)
