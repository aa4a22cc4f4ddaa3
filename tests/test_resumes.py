"""Turns no message caused — a staff member's action, a timer — run through the same turn
handler as a message: per-contact order, session version, one transaction, outbox, send
after commit through the contact's channel."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import pytest
from sqlalchemy import Engine, select

from adapters.db.models import Contact, ConversationSession, Handoff, HandoffMessage, OutboxMessage
from bot.conversation import TurnHandler
from bot.engine.inputs import StaffResume, WaitTimeoutResume
from bot.engine.messages import Inbound, Outbound
from bot.engine.registry import Command, Feature, FeatureFactory, Wait
from bot.engine.runner import UnhandledResume
from bot.engine.services import Services
from bot.engine.session import SessionStatus
from bot.engine.turn import Turn
from tests.conftest import DATABASES
from tests.support import builders
from tests.support.stubs import ScriptedNlu, StepClock

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

CHANNEL, USER = "telegram", "4711"


class Phone:
    """The contact's channel as the sender directory holds it."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []

    async def send(self, address: str, messages: Sequence[Outbound]) -> None:
        self.received += [(address, message.text) for message in messages]


def said(text: str) -> Inbound:
    return Inbound(CHANNEL, USER, text=text, reply_address=USER)


async def hand_over(handler: TurnHandler, phone: Phone) -> None:
    """``/human``, then microStart as the organisation that answers."""
    await handler.handle(said("/human"), phone)
    await handler.handle(
        Inbound(CHANNEL, USER, payload="ho:d:microstart", reply_address=USER), phone
    )


def setup(db: Engine, *extra: FeatureFactory) -> tuple[TurnHandler, Phone, StepClock]:
    phone, clock = Phone(), StepClock()
    handler = builders.turn_handler(
        db,
        ScriptedNlu(),
        clock,
        bot=builders.engine(*extra),
        senders={CHANNEL: phone},
    )
    return handler, phone, clock


def version(db: Engine) -> int:
    with db.connect() as connection:
        return int(connection.execute(select(ConversationSession.version)).scalar_one())


async def test_a_staff_reply_reaches_the_person_through_their_channel(db: Engine) -> None:
    handler, phone, _ = setup(db)
    await hand_over(handler, phone)
    await handler.handle(said("j'ai une question sur le CPAS"), phone)
    key = handler.contact_key(CHANNEL, USER)
    before = version(db)

    outcome = await handler.resume_contact(
        CHANNEL, key, lambda now: StaffResume(now, "reply", staff_id=1, text="Bonjour, ici Amina")
    )

    signed = "microStart :\nBonjour, ici Amina"
    assert [m.text for m in outcome.messages] == [signed]
    assert phone.received[-1] == (USER, signed)
    assert version(db) == before + 1, "the same version check as a message"
    with db.connect() as connection:
        log = connection.execute(
            select(HandoffMessage.direction, HandoffMessage.text).order_by(HandoffMessage.id)
        ).all()
        unsent = connection.execute(
            select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None))
        ).all()
    # The console stored the reply itself; the turn only delivers it.
    assert [tuple(row) for row in log] == [("in", "j'ai une question sur le CPAS")]
    assert unsent == [], "written to the outbox in the turn, marked sent after delivery"


async def test_staff_closing_gives_the_conversation_back_to_the_bot(db: Engine) -> None:
    handler, phone, _ = setup(db)
    await hand_over(handler, phone)
    key = handler.contact_key(CHANNEL, USER)

    outcome = await handler.resume_contact(CHANNEL, key, lambda now: StaffResume(now, "close"))

    catalog = builders.catalog()
    assert [m.text for m in outcome.messages] == [
        catalog.text("fr", "handoff.closed_by_staff", organisation="microStart"),
        catalog.text("fr", "menu.prompt"),
    ]
    with db.connect() as connection:
        status = connection.execute(select(ConversationSession.status)).scalar_one()
        closed = connection.execute(select(Handoff.closed_at)).scalar_one()
    assert status == SessionStatus.ACTIVE
    assert closed is not None


async def test_a_reply_after_the_person_took_the_conversation_back_says_nothing(
    db: Engine,
) -> None:
    handler, phone, _ = setup(db)
    await hand_over(handler, phone)
    await handler.handle(said("/menu"), phone)
    key = handler.contact_key(CHANNEL, USER)
    outcome = await handler.resume_contact(
        CHANNEL, key, lambda now: StaffResume(now, "reply", text="trop tard")
    )
    assert outcome.messages == ()


def reminder_feature(services: Services) -> Feature:
    """A feature with a wait that times out, as the waiting-list offers will have."""

    def ask(turn: Turn) -> None:
        turn.say_text("Tu viens samedi ?")
        turn.wait_for("coming_saturday")

    def timed_out(turn: Turn) -> None:
        turn.say_text("Pas de réponse : la place passe à la personne suivante.")
        services.main_menu(turn)

    return Feature(
        "saturday",
        commands=(Command("saturday", ask),),
        waits=(Wait("coming_saturday", on_timeout=timed_out),),
    )


async def test_a_timer_runs_as_a_turn_and_a_stale_one_says_nothing(db: Engine) -> None:
    handler, phone, _ = setup(db, reminder_feature)
    await handler.handle(said("/saturday"), phone)
    key = handler.contact_key(CHANNEL, USER)
    with db.connect() as connection:
        seen = connection.execute(select(Contact.last_seen_at)).scalar_one()

    def timeout(now: datetime) -> WaitTimeoutResume:
        return WaitTimeoutResume(now, "coming_saturday")

    outcome = await handler.resume_contact(CHANNEL, key, timeout)
    assert outcome.messages[0].text == "Pas de réponse : la place passe à la personne suivante."
    assert phone.received[-1][1] == builders.catalog().text("fr", "menu.prompt")
    stale = await handler.resume_contact(CHANNEL, key, timeout)
    assert stale.messages == (), "the session no longer waits for that answer"
    with db.connect() as connection:
        assert connection.execute(select(Contact.last_seen_at)).scalar_one() == seen, (
            "a timer is not the person writing: retention still counts from their last message"
        )


async def test_a_staff_action_and_a_message_at_once_run_one_after_the_other(db: Engine) -> None:
    handler, phone, _ = setup(db)
    await hand_over(handler, phone)
    key = handler.contact_key(CHANNEL, USER)
    before = version(db)
    await asyncio.gather(
        handler.handle(said("vous êtes là ?"), phone),
        handler.resume_contact(CHANNEL, key, lambda now: StaffResume(now, "reply", text="Oui")),
    )
    assert version(db) == before + 2
    assert len(handler.locks) == 0


async def test_no_conversation_no_turn(db: Engine) -> None:
    handler, _, _ = setup(db)
    outcome = await handler.resume_contact(
        CHANNEL, "nobody" * 10, lambda now: StaffResume(now, "reply", text="?")
    )
    assert outcome.messages == ()


async def test_a_staff_action_no_feature_handles_is_the_callers_error(db: Engine) -> None:
    handler, phone, _ = setup(db)
    await hand_over(handler, phone)
    key = handler.contact_key(CHANNEL, USER)
    last = phone.received[-1]
    with pytest.raises(UnhandledResume, match="staff_action 'archive'"):
        await handler.resume_contact(CHANNEL, key, lambda now: StaffResume(now, "archive"))
    assert phone.received[-1] == last, "nothing was said to the person"
