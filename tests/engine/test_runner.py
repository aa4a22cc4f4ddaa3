"""The engine alone: pure turns, the session serialised and re-read between every turn."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.composition import BOOKING_LINKS
from bot.booking.offer import CALENDAR
from bot.engine.context import NeedsContext
from bot.engine.events import (
    ContactForgotten,
    Event,
    LanguageChanged,
    MsgCreated,
    MsgRelayed,
    StatusChanged,
)
from bot.engine.inputs import LanguageDecision, LanguageSource, MsgResume, NluResult
from bot.engine.registry import Feature, MenuItem
from bot.engine.runner import Engine
from bot.engine.services import Services
from bot.engine.session import Session, SessionFormatError, SessionStatus
from bot.features import build_engine
from bot.flows.loader import load_flow
from bot.handoff.events import HandoffRouted
from bot.infoweek.context import INFOWEEK
from tests.support.builders import catalog, content, engine

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
MENU_ITEMS = ("prequalification", "schemes", "appointment", "events", "human", "language")
FR = LanguageDecision("fr", LanguageSource.DETECTED)


def resume(
    lang: LanguageDecision = FR,
    *,
    text: str | None = None,
    payload: str | None = None,
    intent: str | None = None,
    nlu_down: bool = False,
) -> MsgResume:
    nlu = None
    if text is not None and not text.startswith("/") and not nlu_down:
        nlu = NluResult(intent=intent, confidence=0.95 if intent else 0.0)
    return MsgResume(
        now=NOW, language=lang, text=text, payload=payload, nlu=nlu, nlu_unavailable=nlu_down
    )


def run(bot: Engine, session: Session, step: MsgResume) -> tuple[Session, tuple[Event, ...]]:
    sprint = bot.resume(session, step)
    # A turn's session must survive storage: always continue from the re-read document.
    return Session.from_dict(sprint.session.to_dict()), sprint.events


def texts(events: tuple[Event, ...]) -> list[str]:
    return [event.message.text for event in events if isinstance(event, MsgCreated)]


def last_buttons(events: tuple[Event, ...]) -> list[str]:
    messages = [event.message for event in events if isinstance(event, MsgCreated)]
    return [button.payload for button in messages[-1].buttons]


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_greeting_answers_with_the_main_menu_in_the_persons_language(lang: str) -> None:
    bot = engine()
    decision = LanguageDecision(lang, LanguageSource.DETECTED)
    session, events = run(
        bot, bot.new_session(decision), resume(decision, text="hi", intent="greet")
    )
    assert texts(events) == [
        catalog().text(lang, "greeting"),
        catalog().text(lang, "menu.prompt"),
    ]
    assert last_buttons(events) == [f"menu:{item}" for item in MENU_ITEMS]
    assert session.wait == "main_menu"


def test_language_button_sticks_as_an_explicit_choice() -> None:
    bot = engine()
    session, events = run(bot, bot.new_session(FR), resume(payload="lang:nl"))
    assert LanguageChanged("nl", LanguageSource.EXPLICIT) in events
    assert texts(events)[0] == catalog().text("nl", "language.changed")
    assert session.language == "nl"
    assert session.language_source == LanguageSource.EXPLICIT


def test_language_menu_lists_every_language_in_its_own_name() -> None:
    bot = engine()
    _, events = run(bot, bot.new_session(FR), resume(text="/language"))
    messages = [e.message for e in events if isinstance(e, MsgCreated)]
    titles = [b.title for b in messages[-1].buttons]
    assert titles == [language.native_name for language in catalog().languages]
    assert titles[:3] == ["Français", "Nederlands", "English"]
    assert {"العربية", "Українська", "ትግርኛ", "پښتو"} <= set(titles)


def test_human_hands_over_and_later_messages_are_relayed_not_answered() -> None:
    bot = engine()
    session, events = run(bot, bot.new_session(FR), resume(text="/human"))
    assert session.status == SessionStatus.ACTIVE, "nothing goes to staff before the choice"
    assert "ho:d:microstart" in last_buttons(events)
    session, events = run(bot, session, resume(payload="ho:d:microstart"))
    assert StatusChanged(SessionStatus.HANDED_OVER, "asked") in events
    routed = [event for event in events if isinstance(event, HandoffRouted)]
    assert [(r.organisation, r.reason, r.urgent, r.summary) for r in routed] == [
        ("microstart", "asked", False, None)
    ]
    assert session.status == SessionStatus.HANDED_OVER
    session, events = run(bot, session, resume(text="j'ai une question"))
    assert MsgRelayed("j'ai une question") in events
    assert texts(events) == [catalog().text("fr", "handoff.relayed")]
    session, events = run(bot, session, resume(text="encore une"))
    assert texts(events) == [], "the acknowledgement is said once, then the staff side leads"
    session, events = run(bot, session, resume(text="/menu"))
    assert session.status == SessionStatus.ACTIVE
    assert texts(events)[0] == catalog().text("fr", "handoff.ended")


def test_an_old_or_forged_button_gets_a_clear_answer_and_the_menu() -> None:
    bot = engine()
    _, events = run(bot, bot.new_session(FR), resume(payload="slot:2024-01-01"))
    assert texts(events)[0] == catalog().text("fr", "flow.expired")
    assert last_buttons(events)[0] == "menu:prequalification"


def test_nlu_outage_says_typing_does_not_work_now_and_offers_buttons() -> None:
    bot = engine()
    _, events = run(bot, bot.new_session(FR), resume(text="bonjour", nlu_down=True))
    assert texts(events)[0] == catalog().text("fr", "nlu_unavailable")
    assert len(last_buttons(events)) == len(MENU_ITEMS)


def test_low_confidence_is_not_guessed() -> None:
    bot = engine()
    step = MsgResume(
        now=NOW, language=FR, text="xyz", nlu=NluResult(intent="human_handoff", confidence=0.2)
    )
    session, events = run(bot, bot.new_session(FR), step)
    assert session.status == SessionStatus.ACTIVE
    assert texts(events)[0] == catalog().text("fr", "not_understood")


def test_forget_asks_first_then_emits_contact_forgotten_and_starts_a_fresh_session() -> None:
    bot = engine()
    english = LanguageDecision("en", LanguageSource.EXPLICIT)
    session, _ = run(bot, bot.new_session(FR), resume(payload="lang:en"))
    session, events = run(bot, session, resume(english, text="/forget"))
    assert ContactForgotten() not in events
    assert texts(events) == [catalog().text("en", "forget.confirm")]
    assert last_buttons(events) == ["cmd:forget_yes", "cmd:forget_no"]
    session, events = run(bot, session, resume(english, payload="cmd:forget_yes"))
    assert ContactForgotten() in events
    assert texts(events) == [catalog().text("en", "forget.done")]
    assert session.language_source == LanguageSource.DEFAULT


def test_forget_declined_erases_nothing() -> None:
    bot = engine()
    session, _ = run(bot, bot.new_session(FR), resume(text="/forget"))
    _, events = run(bot, session, resume(payload="cmd:forget_no"))
    assert ContactForgotten() not in events
    assert texts(events)[0] == catalog().text("fr", "forget.kept")


def test_privacy_states_the_consent_text_in_force() -> None:
    bot = engine()
    _, events = run(bot, bot.new_session(FR), resume(text="/privacy"))
    assert catalog().text("fr", "privacy_version", version="2026-11-v1") in texts(events)[0]


def test_privacy_states_the_retention_period() -> None:
    bot = engine()
    _, events = run(bot, bot.new_session(FR), resume(text="/privacy"))
    assert "180 jours" in texts(events)[0]


def test_pending_features_are_announced_honestly_with_a_person_offered() -> None:
    def soon(services: Services) -> Feature:
        return Feature("soon", menu=(MenuItem("soon", services.not_ready, position=45),))

    bot = engine(soon)
    _, events = run(bot, bot.new_session(FR), resume(payload="menu:soon"))
    assert texts(events) == [catalog().text("fr", "not_ready")]
    assert last_buttons(events) == ["ho:go:not_ready", "cmd:menu"]


def test_the_events_ask_the_engine_host_for_the_info_week_first() -> None:
    bot = engine()
    with pytest.raises(NeedsContext) as asked:
        run(bot, bot.new_session(FR), resume(payload="menu:events"))
    assert asked.value.name == INFOWEEK.name


def test_an_appointment_asks_the_engine_host_for_the_calendar_first() -> None:
    """The engine reads no database: it asks for the calendar, and the turn is run again."""
    bot = engine()
    with pytest.raises(NeedsContext) as asked:
        run(bot, bot.new_session(FR), resume(payload="menu:appointment"))
    assert asked.value.name == CALENDAR.name


def test_unknown_command_is_answered_kindly() -> None:
    bot = engine()
    _, events = run(bot, bot.new_session(FR), resume(text="/launch-rockets"))
    assert texts(events)[0] == catalog().text("fr", "not_understood")


def test_session_documents_of_another_version_are_refused() -> None:
    document = engine().new_session(FR).to_dict()
    document["spec_version"] = 99
    with pytest.raises(SessionFormatError):
        Session.from_dict(document)


def test_a_flow_that_never_waits_is_stopped_with_a_kind_message(tmp_path: Path) -> None:
    looping = tmp_path / "prequalification.yml"
    looping.write_text(
        "spec_version: 1\nid: prequalification\nstart: a\nnodes:\n"
        "  - {id: a, say: greeting, next: b}\n  - {id: b, say: greeting, next: a}\n",
        encoding="utf-8",
    )
    bot = build_engine(
        replace(content(), flows={"prequalification": load_flow(looping)}), 180, BOOKING_LINKS
    )
    session, events = run(bot, bot.new_session(FR), resume(payload="menu:prequalification"))
    assert texts(events) == [
        catalog().text("fr", "flow.failed"),
        catalog().text("fr", "menu.prompt"),
    ]
    assert "stack" not in session.data


def test_a_weak_guess_at_the_language_is_checked_once_in_that_language() -> None:
    bot = engine()
    guess = LanguageDecision("nl", LanguageSource.DETECTED, unsure=True)
    session, events = run(bot, bot.new_session(guess), resume(guess, text="dag", intent="greet"))
    assert texts(events)[-1] == catalog().text("nl", "language.confirm", name="Nederlands")
    assert last_buttons(events) == ["lang:nl", "cmd:language"]
    _, again = run(bot, session, resume(guess, text="dag", intent="greet"))
    assert catalog().text("nl", "language.confirm", name="Nederlands") not in texts(again)


def test_unsure_of_the_meaning_the_two_likeliest_intents_are_offered_as_buttons() -> None:
    bot = engine()
    unsure = NluResult(
        intent="nlu_fallback",
        confidence=0.4,
        ranking=(("book_appointment", 0.31), ("greet", 0.3), ("human_handoff", 0.22)),
    )
    step = MsgResume(now=NOW, language=FR, text="euh rdv ou quelqu'un", nlu=unsure)
    session, events = run(bot, bot.new_session(FR), step)
    assert texts(events) == [catalog().text("fr", "not_understood")]
    assert last_buttons(events) == ["int:book_appointment", "int:human_handoff", "cmd:menu"]
    _, chosen = run(bot, session, resume(payload="int:human_handoff"))
    assert texts(chosen)[0].startswith(catalog().text("fr", "handoff.choose_desk"))
