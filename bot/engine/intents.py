"""The intent contract as the engine reads it: which intents answer with a scheme, which may
interrupt the questions, which can be offered as a button when the meaning is unsure."""

from __future__ import annotations

from bot.engine.inputs import NluResult
from bot.engine.messages import Button
from bot.engine.turn import Turn
from bot.schemes.catalogue import SchemeCatalogue

MIN_INTENT_CONFIDENCE = 0.5
MIN_SUGGESTION_CONFIDENCE = 0.1
NLU_FALLBACK = "nlu_fallback"  # Rasa's FallbackClassifier: no intent is likely enough
# What people ask about, and the scheme that answers it.
SCHEME_INTENTS = {
    "ask_microcredit": "microstart_credit",
    "ask_tremplin": "tremplin",
    "ask_cpas_support": "cpas_route",
    "ask_undocumented": "saamo_hub",
    "ask_newcomer_incubator": "interlab",
    "ask_management_knowledge": "regulated_profession",
}
REGIONAL_PREMIUMS = {"BXL": "actiris_premium", "VLA": "transitiepremie", "WAL": "airbag"}

# Intents whose conversations arrive with later issues; until then the person is told so
# honestly and offered a person, instead of a guess.
PENDING_INTENTS = frozenset({"ask_events", "signup_event"})
BOOKING_INTENTS = frozenset({"book_appointment", "cancel_appointment", "reschedule_appointment"})
# Intents that can be offered as a button when the meaning is unsure, and their labels.
INTENT_LABELS = {
    "start_prequalification": "menu.prequalification",
    "ask_regional_premium": "menu.schemes",
    "book_appointment": "menu.appointment",
    "cancel_appointment": "booking.cancel",
    "reschedule_appointment": "booking.move",
    "ask_events": "menu.events",
    "human_handoff": "menu.human",
    "change_language": "menu.language",
    "privacy": "commands.privacy",
    "help": "commands.help",
}
# What a person may ask in the middle of the questions; the bot answers, then offers to go on.
DIGRESSIONS = (
    PENDING_INTENTS
    | BOOKING_INTENTS
    | set(SCHEME_INTENTS)
    | {
        "ask_regional_premium",
        "human_handoff",
        "change_language",
        "help",
        "privacy",
        "out_of_scope",
    }
)


def offerable(intent: str) -> bool:
    """Whether an ``int:<intent>`` button may carry this intent."""
    return intent in INTENT_LABELS or intent in SCHEME_INTENTS


def confident_intent(nlu: NluResult) -> str | None:
    """The intent when Rasa is sure enough of it, else None."""
    if nlu.confidence >= MIN_INTENT_CONFIDENCE and nlu.intent != NLU_FALLBACK:
        return nlu.intent
    return None


def likeliest_buttons(
    turn: Turn, ranking: tuple[tuple[str, float], ...], schemes: SchemeCatalogue
) -> tuple[Button, ...] | None:
    """Unsure of the meaning: the two likeliest intents as buttons, or None if fewer fit."""
    offered = [
        (name, label)
        for name, confidence in ranking
        if confidence >= MIN_SUGGESTION_CONFIDENCE
        and (label := _intent_label(turn, name, schemes)) is not None
    ][:2]
    if len(offered) < 2:
        return None
    return tuple(Button(label, f"int:{name}") for name, label in offered)


def _intent_label(turn: Turn, intent: str, schemes: SchemeCatalogue) -> str | None:
    """A button label for an intent, taken from texts that exist in every language."""
    scheme_id = SCHEME_INTENTS.get(intent)
    if scheme_id is not None and scheme_id in schemes.schemes:
        return schemes.schemes[scheme_id].text("button", turn.lang)
    key = INTENT_LABELS.get(intent)
    return turn.text(key) if key is not None else None
