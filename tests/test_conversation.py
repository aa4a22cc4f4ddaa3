"""The turn handler with a scripted NLU port and the real SQLite store."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import Engine, select, text

from adapters.collecting import CollectingSender
from adapters.db.models import Contact, ConversationSession
from bot.engine.messages import Inbound
from bot.engine.session import Session
from tests.support.builders import catalog, turn_handler
from tests.support.stubs import ScriptedNlu, StepClock

USER = "raw-user-id-4711"


def say(
    text: str, *, user: str = USER, lang: str | None = None, message_id: str | None = None
) -> Inbound:
    return Inbound(channel="webchat", user_id=user, text=text, lang=lang, message_id=message_id)


async def test_greeting_gets_the_menu_and_the_contact_is_stored_under_a_pseudonym(
    db: Engine,
) -> None:
    handler = turn_handler(db, ScriptedNlu({"bonjour": "greet"}))
    outcome = await handler.handle(say("bonjour"), CollectingSender())
    assert [m.text for m in outcome.messages] == [
        catalog().text("fr", "greeting"),
        catalog().text("fr", "menu.prompt"),
    ]
    with db.connect() as connection:
        keys = connection.execute(select(Contact.key)).scalars().all()
        dump = "\n".join(str(row) for row in connection.execute(text("SELECT * FROM contact")))
    assert keys == [handler.contact_key("webchat", USER)]
    assert USER not in dump


async def test_dutch_greeting_is_answered_in_dutch(db: Engine) -> None:
    handler = turn_handler(db, ScriptedNlu({"hallo": "greet"}))
    outcome = await handler.handle(say("hallo"), CollectingSender())
    assert outcome.messages[0].text == catalog().text("nl", "greeting")


async def test_an_explicit_language_sticks_over_detection(db: Engine) -> None:
    handler = turn_handler(db, ScriptedNlu({"bonjour": "greet", "hello": "greet"}))
    await handler.handle(say("hello", lang="nl"), CollectingSender())
    outcome = await handler.handle(say("bonjour"), CollectingSender())
    assert outcome.messages[0].text == catalog().text("nl", "greeting")


async def test_a_redelivered_message_is_processed_once(db: Engine) -> None:
    nlu = ScriptedNlu({"bonjour": "greet"})
    handler = turn_handler(db, nlu)
    first = await handler.handle(say("bonjour", message_id="42"), CollectingSender())
    again = await handler.handle(say("bonjour", message_id="42"), CollectingSender())
    assert first.messages
    assert again.duplicate
    assert again.messages == ()
    assert nlu.calls == ["bonjour"], "a duplicate costs no NLU call"


async def test_nlu_outage_still_answers_with_buttons(db: Engine) -> None:
    handler = turn_handler(db, ScriptedNlu(down=True))
    sender = CollectingSender()
    outcome = await handler.handle(say("bonjour"), sender)
    assert outcome.messages[0].text == catalog().text("fr", "nlu_unavailable")
    assert outcome.messages[-1].buttons
    assert sender.messages == list(outcome.messages)


async def test_one_persons_messages_are_handled_in_order_even_when_they_arrive_together(
    db: Engine,
) -> None:
    handler = turn_handler(db, ScriptedNlu({"bonjour": "greet"}))
    outcomes = await asyncio.gather(
        *(handler.handle(say("bonjour", message_id=str(n)), CollectingSender()) for n in range(5))
    )
    assert all(outcome.messages for outcome in outcomes)
    with db.connect() as connection:
        assert connection.execute(select(ConversationSession.version)).scalar_one() == 5
    assert len(handler.locks) == 0, "locks of idle contacts are released"


async def test_two_processes_on_one_contact_both_succeed(db: Engine) -> None:
    # Two handlers share the database but not their locks, like two app processes.
    first, second = turn_handler(db, ScriptedNlu()), turn_handler(db, ScriptedNlu())
    await first.handle(say("/start"), CollectingSender())
    results = await asyncio.gather(
        *(h.handle(say("/menu"), CollectingSender()) for h in (first, second, first, second))
    )
    assert all(result.messages for result in results)
    with db.connect() as connection:
        state = connection.execute(select(ConversationSession.state)).scalar_one()
    assert Session.from_dict(state).wait == "main_menu"


async def test_sensitive_answers_never_reach_the_logs(
    db: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    handler = turn_handler(db, ScriptedNlu())
    caplog.set_level(logging.DEBUG)
    for payload in ["menu:prequalification", "a:consent:ACCEPT", "a:q1:BXL"]:
        await handler.handle(Inbound("webchat", USER, payload=payload), CollectingSender())
    for payload in ["a:q2:RIS", "a:q2:DONE", "a:q3:J_NO", "a:q4:IDEA", "a:q5:MAIN"]:
        await handler.handle(Inbound("webchat", USER, payload=payload), CollectingSender())
    for payload in ["a:q6:F_NONE", "a:q7:B_CDS", "a:q8:H_NONE", "a:q9:FOOD", "a:q10:NONE"]:
        await handler.handle(Inbound("webchat", USER, payload=payload), CollectingSender())
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("B_CDS", "RIS", "q10", "NONE", USER):
        assert secret not in logged
    with db.connect() as connection:
        state = connection.execute(select(ConversationSession.state)).scalar_one()
    answers = state["data"]["flow"]["answers"]
    assert answers["Q10"] == "NONE", "kept in the session, under the pseudonym"


def test_the_turn_handler_refuses_to_start_without_a_provider_for_a_declared_context(
    db: Engine,
) -> None:
    from bot.conversation import TurnHandler
    from tests.support import builders

    with pytest.raises(
        ValueError, match=r"no context provider for: booking\.calendar \(booking\)"
    ):
        TurnHandler(
            engine=builders.engine(),
            catalog=catalog(),
            store=builders.store(db),
            nlu=ScriptedNlu(),
            detector=builders.detector(),
            clock=StepClock(),
            secret_key=builders.TEST_SECRET,
        )
