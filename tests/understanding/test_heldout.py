"""The evaluation sets measure generalisation: no training example in them, every language
and intent covered."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.build_heldout import EVALUATION_SETS, training_texts
from tests.support.builders import catalog

INTENTS = {
    "greet", "goodbye", "thanks", "affirm", "deny", "start_prequalification", "ask_microcredit",
    "ask_tremplin", "ask_regional_premium", "ask_cpas_support", "ask_undocumented",
    "ask_newcomer_incubator", "ask_management_knowledge", "book_appointment",
    "cancel_appointment", "reschedule_appointment", "ask_events", "signup_event",
    "human_handoff", "change_language", "privacy", "bot_challenge", "out_of_scope", "help",
}  # fmt: skip


TARGETS = [target for _, target in EVALUATION_SETS]


def items(target: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize("target", TARGETS, ids=lambda path: path.name)
def test_no_evaluation_message_is_a_training_example(target: Path) -> None:
    seen = training_texts()
    assert [i["text"] for i in items(target) if i["text"].strip().lower() in seen] == []


@pytest.mark.parametrize("target", TARGETS, ids=lambda path: path.name)
def test_every_language_has_at_least_25_messages_and_intents_are_the_contract(
    target: Path,
) -> None:
    per_language = Counter(i["lang"] for i in items(target))
    assert set(per_language) == set(catalog().codes)
    assert min(per_language.values()) >= 25
    assert {i["intent"] for i in items(target)} == INTENTS
