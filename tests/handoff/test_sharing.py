"""Nothing of the pre-qualification reaches staff without the person's yes; with it, staff
read each answer in their own language (French, Dutch, English), sensitive ones included."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.engine.events import MsgCreated
from bot.engine.inputs import LanguageDecision, LanguageSource, MsgResume
from bot.engine.session import Session, SessionStatus
from bot.engine.state import FACTS_KEY, FlowState
from bot.handoff.events import HandoffRouted
from tests.support import builders

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FR = LanguageDecision("fr", LanguageSource.EXPLICIT)


def after_prequalification() -> Session:
    """Someone without papers in Brussels who finished the questions (the hub's route)."""
    answers = FlowState(answers={"consent": "ACCEPT", "Q1": "BXL", "Q10": "NONE", "Q7": "SKIPPED"})
    data = {FlowState.KEY: answers.to_dict(), FACTS_KEY: {"appointment_route": "hub_worker"}}
    return Session(language="fr", language_source=LanguageSource.EXPLICIT, data=data)


def press(payload: str) -> MsgResume:
    return MsgResume(now=NOW, language=FR, payload=payload)


def routed(events: tuple[object, ...]) -> HandoffRouted:
    found = [event for event in events if isinstance(event, HandoffRouted)]
    assert len(found) == 1
    return found[0]


def test_one_fitting_organisation_then_the_question_to_share() -> None:
    bot = builders.engine()
    sprint = bot.resume(after_prequalification(), MsgResume(now=NOW, language=FR, text="/human"))
    said = [e.message for e in sprint.events if isinstance(e, MsgCreated)]
    assert said[-1].text == builders.catalog().text(
        "fr", "handoff.share_question", organisation="SAAMO hub"
    ), "the hub alone serves this route: no choice to make, but the sharing is asked"
    assert [b.payload for b in said[-1].buttons] == ["ho:s:yes", "ho:s:no"]
    assert sprint.session.status == SessionStatus.ACTIVE


def test_yes_shares_every_answer_labelled_in_the_staff_languages() -> None:
    bot = builders.engine()
    asked = bot.resume(after_prequalification(), MsgResume(now=NOW, language=FR, text="/human"))
    shared = routed(bot.resume(asked.session, press("ho:s:yes")).events)
    assert shared.organisation == "saamo_hub"
    assert shared.summary is not None
    items = {item["label"]["fr"]: item["value"] for item in shared.summary["items"]}
    assert items["Région"]["fr"] == "Bruxelles"
    assert items["Séjour"] == {
        "fr": "Pas de document",
        "nl": "Geen document",
        "en": "No valid document",
    }
    assert items["Banque"]["en"] == "prefers not to say"
    assert "Accord" not in items, "the consent answer is not a fact about the person"


def test_no_shares_nothing() -> None:
    bot = builders.engine()
    asked = bot.resume(after_prequalification(), MsgResume(now=NOW, language=FR, text="/human"))
    private = routed(bot.resume(asked.session, press("ho:s:no")).events)
    assert private.summary is None


def test_a_forged_share_button_outside_the_question_is_refused() -> None:
    bot = builders.engine()
    sprint = bot.resume(after_prequalification(), press("ho:s:yes"))
    assert not any(isinstance(event, HandoffRouted) for event in sprint.events)
    said = [e.message.text for e in sprint.events if isinstance(e, MsgCreated)]
    assert said[0] == builders.catalog().text("fr", "flow.expired")
