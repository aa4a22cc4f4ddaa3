"""Reading the NLU's answer: when an intent is sure enough, and which likeliest intents can
be offered as buttons when it is not. Which intents exist is the features' business."""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.buttons import IntentButton
from bot.engine.inputs import NluResult
from bot.engine.messages import Button
from bot.engine.payloads import encode
from bot.engine.registry import Intent
from bot.engine.turn import Turn

MIN_INTENT_CONFIDENCE = 0.5
MIN_SUGGESTION_CONFIDENCE = 0.1
NLU_FALLBACK = "nlu_fallback"  # Rasa's FallbackClassifier: no intent is likely enough


def confident_intent(nlu: NluResult) -> str | None:
    """The intent when Rasa is sure enough of it, else None."""
    if nlu.confidence >= MIN_INTENT_CONFIDENCE and nlu.intent != NLU_FALLBACK:
        return nlu.intent
    return None


def likeliest_buttons(
    turn: Turn, ranking: tuple[tuple[str, float], ...], registered: Mapping[str, Intent]
) -> tuple[Button, ...] | None:
    """Unsure of the meaning: the two likeliest intents as buttons, or None if fewer fit."""
    offered = [
        (name, label)
        for name, confidence in ranking
        if confidence >= MIN_SUGGESTION_CONFIDENCE
        and (label := _label(turn, registered.get(name))) is not None
    ][:2]
    if len(offered) < 2:
        return None
    return tuple(Button(label, encode(IntentButton(name))) for name, label in offered)


def _label(turn: Turn, intent: Intent | None) -> str | None:
    if intent is None or intent.label is None:
        return None
    return intent.label(turn)
