"""``passerelle nlu eval``: the bot's own understanding pipeline on a file of messages.

Each line of a JSONL file is ``{"text": ...}``, optionally with the expected ``"intent"`` and
``"lang"``. Every text goes through what a new contact's first message goes through: language
detection with no hint, then Rasa. Predictions are written one per line; with labels, accuracy
is printed per language, per intent, and for language identification on short messages.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.engine.inputs import NluResult
from bot.ports import NluPort
from bot.understanding.language import LanguageDetector, choose_language
from bot.understanding.normalize import words

SHORT_WORDS = 4


@dataclass(frozen=True, slots=True)
class Prediction:
    text: str
    intent: str | None
    confidence: float
    lang: str
    expected_intent: str | None
    expected_lang: str | None

    def to_json(self) -> str:
        return json.dumps(
            {"text": self.text, "intent": self.intent, "confidence": round(self.confidence, 4),
             "lang": self.lang},
            ensure_ascii=False,
        )  # fmt: skip


def read_examples(path: Path) -> list[dict[str, str]]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ValueError(f'{path}:{number}: each line needs a "text"')
        examples.append(item)
    return examples


async def predict(
    examples: Iterable[dict[str, str]],
    detector: LanguageDetector,
    nlu: NluPort,
    supported: tuple[str, ...],
    default: str,
) -> list[Prediction]:
    predictions = []
    for item in examples:
        text = item["text"]
        decision = choose_language(
            None,
            explicit=None,
            hint=None,
            detected=detector.detect(text),
            supported=supported,
            default=default,
        )
        result: NluResult = await nlu.parse(text)
        predictions.append(
            Prediction(
                text, result.intent, result.confidence, decision.lang,
                item.get("intent"), item.get("lang"),
            )
        )  # fmt: skip
    return predictions


def report(predictions: list[Prediction], say: Callable[[str], None]) -> None:
    labelled = [p for p in predictions if p.expected_intent]
    if labelled:
        say(_accuracy("intent, overall", labelled, lambda p: p.intent == p.expected_intent))
        for lang in sorted({p.expected_lang or "?" for p in labelled}):
            group = [p for p in labelled if (p.expected_lang or "?") == lang]
            say(_accuracy(f"intent, {lang}", group, lambda p: p.intent == p.expected_intent))
        for intent in sorted({p.expected_intent or "" for p in labelled}):
            group = [p for p in labelled if p.expected_intent == intent]
            say(_accuracy(f"intent {intent}", group, lambda p: p.intent == p.expected_intent))
    with_lang = [p for p in predictions if p.expected_lang]
    if with_lang:
        short = [p for p in with_lang if len(words(p.text)) <= SHORT_WORDS]
        say(_accuracy("language, overall", with_lang, lambda p: p.lang == p.expected_lang))
        say(_accuracy("language, 1-4 words", short, lambda p: p.lang == p.expected_lang))
        for lang in sorted({p.expected_lang or "" for p in with_lang}):
            group = [p for p in with_lang if p.expected_lang == lang]
            say(_accuracy(f"language {lang}", group, lambda p: p.lang == p.expected_lang))
        confusions = Counter(
            (p.expected_lang, p.lang) for p in with_lang if p.lang != p.expected_lang
        )
        for (want, got), count in confusions.most_common(8):
            say(f"  language confusion: {want} read as {got}: {count}")


def _accuracy(name: str, group: list[Prediction], right: Callable[[Prediction], bool]) -> str:
    if not group:
        return f"{name}: no examples"
    hits = sum(1 for p in group if right(p))
    return f"{name}: {hits / len(group):.3f} ({hits}/{len(group)})"
