"""The info week through the real turn handler and store: what each person is told is what
the database holds, even when many press "Sign me up" at once; a freed place is offered in
the chat and accepted; a reminder's "I can't come" frees the place and the next person is
offered it; web chat, which cannot be written to first, shows an open offer on return;
outside WhatsApp's 24 hours the reminder goes as its template with the button's payload."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from adapters.collecting import CollectingSender
from adapters.db.database import make_sessions
from adapters.db.infoweek_models import EventSignupRow, InfoEventRow
from adapters.whatsapp_format import template_message
from adapters.whatsapp_window import UseTemplate, decide
from bot.engine.messages import Inbound, Outbound
from bot.infoweek.reminders import EventSweeper
from bot.ports import Clock
from tests.conftest import DATABASES
from tests.support import builders
from tests.support.stubs import ScriptedNlu, StepClock

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

EVENT = "bxl-women-1"  # Tuesday 9 March 2027, 14:00 in Brussels (13:00 UTC)
STARTS = datetime(2027, 3, 9, 13, 0, tzinfo=UTC)


class At:
    def __init__(self, when: datetime) -> None:
        self.when = when

    def now(self) -> datetime:
        return self.when


class Channel:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Outbound]] = []

    async def send(self, address: str, messages: Sequence[Outbound]) -> None:
        self.sent.extend((address, message) for message in messages)


class Person:
    def __init__(self, db: Engine, user: str, channel: str = "telegram", lang: str = "en"):
        self.handler = builders.turn_handler(db, ScriptedNlu(), StepClock())
        self.user, self.channel, self.lang = user, channel, lang
        self.shown: list[Outbound] = []

    async def send(self, text: str | None = None, payload: str | None = None) -> list[Outbound]:
        inbound = Inbound(
            self.channel, self.user, text=text, payload=payload, lang=self.lang,
            reply_address=self.user,
        )  # fmt: skip
        self.shown = list((await self.handler.handle(inbound, CollectingSender())).messages)
        return self.shown

    async def press(self, title: str) -> list[Outbound]:
        payloads = [b.payload for m in self.shown for b in m.buttons if b.title == title]
        assert payloads, f"no button {title!r} in {[m.text for m in self.shown]}"
        return await self.send(payload=payloads[0])


@pytest.fixture
def week(db: Engine) -> Engine:
    builders.load_demo_data(db)
    builders.load_demo_week(db)
    with make_sessions(db).begin() as session:
        row = session.scalar(select(InfoEventRow).where(InfoEventRow.code == EVENT))
        assert row is not None
        row.capacity = 3
    return db


def status_of(db: Engine, reference: str) -> str:
    with db.connect() as connection:
        return str(
            connection.scalar(
                select(EventSignupRow.status).where(EventSignupRow.code == reference)
            )
        )


def reference_in(messages: list[Outbound]) -> str:
    """The sign-up code a "leave" button of the answer carries (``iw:x:IW-7K4Q``)."""
    payloads = [b.payload for m in messages for b in m.buttons]
    return next(p.removeprefix("iw:x:") for p in payloads if p.startswith("iw:x:"))


def sweeper(db: Engine, channels: dict[str, Channel], clock: Clock) -> EventSweeper:
    return EventSweeper(builders.infoweek_store(db), channels, builders.catalog(), clock)


async def test_ten_people_pressing_at_once_for_three_places_are_told_what_they_got(
    week: Engine,
) -> None:
    people = [Person(week, f"10{n:02d}") for n in range(10)]
    for person in people:
        await person.send(payload=f"iw:d:{EVENT}")
    answers = await asyncio.gather(*(p.send(payload=f"iw:s:{EVENT}") for p in people))
    told = [a[0].text for a in answers]
    signed_up = [t for t in told if t.startswith("Done, you are signed up")]
    waiting = [t for t in told if "You are on the waiting list, number" in t]
    assert (len(signed_up), len(waiting)) == (3, 7)
    numbers = sorted(int(t.split("number ")[1].split(".")[0]) for t in waiting)
    assert numbers == list(range(1, 8))
    for answer in answers:
        expected = "confirmed" if answer[0].text.startswith("Done") else "waiting"
        assert status_of(week, reference_in(answer)) == expected
    with week.connect() as connection:
        held, on_list = connection.execute(
            select(InfoEventRow.held, InfoEventRow.waiting).where(InfoEventRow.code == EVENT)
        ).one()
    assert (held, on_list) == (3, 7)


async def test_a_freed_place_is_offered_in_the_chat_and_accepted(week: Engine) -> None:
    people = [Person(week, f"20{n}") for n in range(4)]
    for person in people:
        await person.send(payload=f"iw:s:{EVENT}")
    first, fourth = people[0], people[3]
    await first.press("I can't come")
    channel = Channel()
    assert await sweeper(week, {"telegram": channel}, At(datetime.now(UTC))).run_once() == 1
    ((address, offer),) = channel.sent
    assert address == fourth.user
    assert offer.text.startswith("Good news: a place has freed up for Workshop")
    assert [b.title for b in offer.buttons] == ["I accept", "No, thank you"]
    fourth.shown = [offer]
    accepted = await fourth.press("I accept")
    assert accepted[0].text.startswith("Done, you are signed up")
    assert accepted[0].document is not None
    assert status_of(week, reference_in(accepted)) == "confirmed"


async def test_a_reminders_cant_come_frees_the_place_and_the_next_is_offered_it(
    week: Engine,
) -> None:
    people = [Person(week, f"30{n}") for n in range(4)]
    for person in people:
        await person.send(payload=f"iw:s:{EVENT}")
    channel = Channel()
    day_before = At(STARTS - timedelta(hours=23))
    assert await sweeper(week, {"telegram": channel}, day_before).run_once() == 3
    assert await sweeper(week, {"telegram": channel}, day_before).run_once() == 0  # once
    address, reminder = channel.sent[0]
    assert reminder.text.startswith("Reminder: tomorrow, Workshop: starting a business")
    assert [b.title for b in reminder.buttons] == ["I can't come"]
    person = next(p for p in people if p.user == address)
    person.shown = [reminder]
    freed = await person.press("I can't come")
    assert "is freed" in freed[0].text
    assert await sweeper(week, {"telegram": channel}, day_before).run_once() == 1
    assert channel.sent[-1][0] == people[3].user
    assert channel.sent[-1][1].purpose == "event_offer"


async def test_an_offer_answered_too_late_is_said_to_be_gone(week: Engine) -> None:
    people = [Person(week, f"40{n}") for n in range(4)]
    for person in people:
        await person.send(payload=f"iw:s:{EVENT}")
    await people[0].press("I can't come")
    channel = Channel()
    now = datetime.now(UTC)
    await sweeper(week, {"telegram": channel}, At(now)).run_once()
    await sweeper(week, {"telegram": channel}, At(now + timedelta(hours=13))).run_once()
    people[3].shown = [channel.sent[0][1]]
    late = await people[3].press("I accept")
    assert late[0].text.startswith("Sorry, this offer is no longer valid")


async def test_web_chat_shows_an_open_offer_when_the_person_comes_back(week: Engine) -> None:
    people = [
        Person(week, f"web-person-{n:02d}-abcdefghijkl", channel="webchat") for n in range(4)
    ]
    for person in people:
        await person.send(payload=f"iw:s:{EVENT}")
    await people[0].press("I can't come")
    await sweeper(week, {}, At(datetime.now(UTC))).run_once()  # web chat cannot be written to
    back = await people[3].send(text="/events")
    assert back[0].text.startswith("Your session: Workshop: starting a business as a woman")
    assert "A place is offered to you" in back[0].text
    assert [b.title for b in back[0].buttons] == ["I accept", "No, thank you"]
    declined = await people[3].press("No, thank you")
    assert declined[0].text.startswith("Thank you for telling me: the place goes to the next")


async def test_outside_whatsapps_window_a_reminder_goes_as_its_template_with_the_button(
    week: Engine,
) -> None:
    person = Person(week, "32470000001", channel="whatsapp", lang="nl")
    await person.send(payload=f"iw:s:{EVENT}")
    channel = Channel()
    await sweeper(week, {"whatsapp": channel}, At(STARTS - timedelta(hours=2))).run_once()
    ((_address, reminder),) = channel.sent  # the day before's, late, is not sent as well
    decision = decide(reminder, None, STARTS, builders.whatsapp_templates())
    assert isinstance(decision, UseTemplate)
    assert decision.name == "passerelle_event_reminder"
    assert decision.language == "nl"
    body = template_message("32470000001", decision.name, decision.language,
                            decision.parameters, decision.payloads)  # fmt: skip
    button = body["template"]["components"][1]
    assert button["sub_type"] == "quick_reply"
    assert button["parameters"][0]["payload"] == reminder.buttons[0].payload
