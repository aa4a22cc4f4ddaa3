"""NLU pipelines side by side: training time and intent accuracy on the three evaluation sets.

    .venv/bin/python -m benchmarks.nlu_pipelines CONFIG.yml [CONFIG.yml ...] [--reuse]

Each config is trained on the whole of ``nlu_data/`` (the same examples, only the pipeline
differs) into ``var/bench-models/<config name>.tar.gz``, served by the real Rasa server, and
asked every message of the held-out, fresh and blind sets, exactly as ``passerelle nlu eval``
does. Prints figures, asserts nothing; ``--reuse`` skips training where a model already is.
The old pipeline is kept as ``benchmarks/nlu_configs/diet-transformer-60.yml`` to compare.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from adapters.app import load_settings_content
from adapters.nlu_eval import Prediction, predict, read_examples
from adapters.rasa import RasaNlu
from adapters.rasa_process import RasaServer, rasa_training_command
from adapters.settings import PROJECT_DIR, load_settings
from bot.understanding.language import LanguageDetector

SETS = ("heldout", "fresh", "blind")


@dataclass(frozen=True, slots=True)
class Score:
    overall: float
    right: int
    total: int
    lowest: list[tuple[str, float]]

    def __str__(self) -> str:
        worst = ", ".join(f"{lang} {value:.3f}" for lang, value in self.lowest)
        return f"{self.overall:.3f} ({self.right}/{self.total}); lowest {worst}"


def score(predictions: list[Prediction]) -> Score:
    per_language: dict[str, list[bool]] = defaultdict(list)
    for item in predictions:
        per_language[item.expected_lang or "?"].append(item.intent == item.expected_intent)
    right = sum(item.intent == item.expected_intent for item in predictions)
    rates = sorted((sum(hits) / len(hits), lang) for lang, hits in per_language.items())
    return Score(
        right / len(predictions),
        right,
        len(predictions),
        [(lang, value) for value, lang in rates[:3]],
    )


def train(config: Path, out: Path, reuse: bool) -> float | None:
    target = out / f"{config.stem}.tar.gz"
    if reuse and target.is_file():
        return None
    settings = load_settings()
    command = rasa_training_command(settings.rasa_venv, config, settings.nlu_dir, out, config.stem)
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603
    return time.monotonic() - started


async def evaluate(model: Path) -> dict[str, Score]:
    settings = load_settings()
    catalog = load_settings_content(settings).catalog
    detector = LanguageDetector.from_examples(settings.nlu_dir, catalog.languages)
    server = RasaServer(settings.rasa_venv, model, settings.var_dir / "log" / "rasa-bench.log")
    await server.start()
    try:
        await server.wait_ready(lambda _line: None)
        nlu = RasaNlu(server.url, server.token)
        scores = {}
        for name in SETS:
            examples = read_examples(PROJECT_DIR / "tests" / "data" / f"nlu_{name}.jsonl")
            found = await predict(examples, detector, nlu, catalog.codes, catalog.default_language)
            scores[name] = score(found)
        await nlu.aclose()
        return scores
    finally:
        await server.stop()


def main(arguments: list[str]) -> None:
    reuse = "--reuse" in arguments
    configs = [Path(a) for a in arguments if a != "--reuse"]
    out = PROJECT_DIR / "var" / "bench-models"
    out.mkdir(parents=True, exist_ok=True)
    for config in configs:
        seconds = train(config, out, reuse)
        trained = f"trained in {seconds:.0f} s" if seconds is not None else "model reused"
        print(f"{config.stem}: {trained}", flush=True)
        for name, result in asyncio.run(evaluate(out / f"{config.stem}.tar.gz")).items():
            print(f"  {name:8} {result}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
