"""Places, waiting list and offers in SQL, on SQLite and PostgreSQL: never over capacity,
never two standing sign-ups of one person, the waiting list in arrival order and counted
against capacity (pretix's rule), a freed place offered once to the first who waits, an
expired or declined offer passed on, reminders and offers sent exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import anyio.to_thread
import pytest
from sqlalchemy import Engine, select

from adapters.db.database import make_sessions
from adapters.db.infoweek_models import EventReminderRow, EventSignupRow, InfoEventRow
from adapters.db.infoweek_writes import accept_offer, end_sign_up, sign_up
from adapters.db.models import Contact
from bot.engine.events import MsgCreated
from bot.engine.inputs import LanguageSource
from bot.engine.messages import Outbound
from bot.engine.session import Session
from bot.infoweek.events import OfferAccepted, SignedUp, SignUpEnded
from bot.ports import ConcurrentTurn, TurnRecord
from tests.conftest import DATABASES
from tests.support import builders

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
EVENT = "bxl-women-1"  # 12 places, Tuesday 9 March 2027 14:00 in Brussels


@pytest.fixture
def week(db: Engine) -> Engine:
    builders.load_demo_data(db)
    builders.load_demo_week(db)
    return db


async def contacts(db: Engine, count: int) -> list[int]:
    store = builders.store(db)
    for n in range(count):
        await store.commit_turn(
            TurnRecord(
                channel="telegram",
                contact_key=f"{n:064d}",
                message_id=None,
                expected_version=0,
                session=Session(language="fr", language_source=LanguageSource.DETECTED),
                events=(MsgCreated(Outbound("Bonjour", "fr")),),
                now=NOW,
                reply_address=str(1000 + n),
            )
        )
    with db.connect() as connection:
        return list(connection.scalars(select(Contact.id).order_by(Contact.id)))


def set_capacity(db: Engine, event: str, capacity: int) -> None:
    with make_sessions(db).begin() as session:
        row = session.scalar(select(InfoEventRow).where(InfoEventRow.code == event))
        assert row is not None
        row.capacity = capacity


def signup(db: Engine, contact: int, n: int, event: str = EVENT, places: int = 1) -> str:
    made = SignedUp(event, f"IW-{n:04d}", places, "fr", "confirmed")
    with make_sessions(db).begin() as session:
        return sign_up(session, contact, made, NOW, strict=False).status


def counts(db: Engine, event: str = EVENT) -> tuple[int, int]:
    with db.connect() as connection:
        held, waiting = connection.execute(
            select(InfoEventRow.held, InfoEventRow.waiting).where(InfoEventRow.code == event)
        ).one()
    return int(held), int(waiting)


def statuses(db: Engine) -> dict[str, str]:
    with db.connect() as connection:
        rows = connection.execute(select(EventSignupRow.code, EventSignupRow.status)).all()
    return {str(code): str(status) for code, status in rows}


async def test_a_hundred_at_once_for_twenty_places_give_twenty_places_and_eighty_waiting(
    week: Engine,
) -> None:
    set_capacity(week, EVENT, 20)
    people = await contacts(week, 100)
    outcomes = await asyncio.gather(
        *(anyio.to_thread.run_sync(signup, week, c, n) for n, c in enumerate(people))
    )
    assert outcomes.count("confirmed") == 20
    assert outcomes.count("waiting") == 80
    assert counts(week) == (20, 80)
    store = builders.infoweek_store(week)
    told = []
    for contact_n in range(100):
        context = await store.load("telegram", f"{contact_n:064d}", NOW)
        mine = context.my_sign_up(EVENT)
        assert mine is not None
        told.append(mine)
    positions = sorted(s.position for s in told if s.position is not None)
    assert positions == list(range(1, 81))
    with week.connect() as connection:
        waiting = connection.execute(
            select(EventSignupRow.code, EventSignupRow.ticket, EventSignupRow.id)
            .where(EventSignupRow.status == "waiting")
            .order_by(EventSignupRow.ticket)
        ).all()
    by_code = {s.reference: s.position for s in told}
    assert [by_code[row.code] for row in waiting] == list(range(1, 81))  # arrival order


async def test_one_person_cannot_hold_two_sign_ups_for_one_event(week: Engine) -> None:
    (person,) = await contacts(week, 1)
    results = await asyncio.gather(
        *(anyio.to_thread.run_sync(_try_signup, week, person, n) for n in range(6)),
    )
    assert results.count("confirmed") == 1
    assert counts(week) == (1, 0)
    assert list(statuses(week).values()) == ["confirmed"]


def _try_signup(db: Engine, contact: int, n: int) -> str:
    try:
        return signup(db, contact, n)
    except ConcurrentTurn:
        return "refused"
    except Exception as error:  # AlreadySignedUp: the context conflict the turn re-runs on
        return type(error).__name__


async def test_companions_take_places_and_the_waiting_list_counts_against_capacity(
    week: Engine,
) -> None:
    set_capacity(week, EVENT, 3)
    a, b, c, d = await contacts(week, 4)
    assert signup(week, a, 1, places=3) == "confirmed"  # with an interpreter and a child
    assert signup(week, b, 2) == "waiting"
    assert counts(week) == (3, 1)
    with make_sessions(week).begin() as session:
        assert end_sign_up(session, a, SignUpEnded("IW-0001"), NOW)
    assert counts(week) == (0, 1)
    # Three places are free but someone waits: a newcomer does not jump the list.
    assert signup(week, c, 3) == "waiting"
    store = builders.infoweek_store(week)
    assert await store.move_waiting_lists(NOW) == 2  # the two who wait, in order
    assert statuses(week) == {
        "IW-0001": "cancelled",
        "IW-0002": "offered",
        "IW-0003": "offered",
    }
    assert counts(week) == (2, 0)
    assert signup(week, d, 4) == "confirmed"  # nobody waits now and a place is left
    assert counts(week) == (3, 0)


async def test_a_freed_place_is_offered_to_number_one_once_even_with_two_sweepers(
    week: Engine,
) -> None:
    set_capacity(week, EVENT, 2)
    people = await contacts(week, 5)
    for n, person in enumerate(people):
        signup(week, person, n)
    with make_sessions(week).begin() as session:
        end_sign_up(session, people[0], SignUpEnded("IW-0000"), NOW)
    one, two = builders.infoweek_store(week), builders.infoweek_store(week)
    moved = await asyncio.gather(*(s.move_waiting_lists(NOW) for s in [one, two] * 3))
    assert sum(moved) == 1
    assert statuses(week)["IW-0002"] == "offered"  # number 1 of the list
    assert list(statuses(week).values()).count("offered") == 1
    assert counts(week) == (2, 2)
    with week.connect() as connection:
        offers = connection.execute(
            select(EventReminderRow.kind).where(EventReminderRow.kind == "offer")
        ).all()
    assert len(offers) == 1


async def test_an_expired_or_declined_offer_passes_to_the_next(week: Engine) -> None:
    set_capacity(week, EVENT, 1)
    a, b, c, d = await contacts(week, 4)
    for n, person in enumerate((a, b, c, d)):
        signup(week, person, n)
    store = builders.infoweek_store(week)  # offers are valid 12 hours
    with make_sessions(week).begin() as session:
        end_sign_up(session, a, SignUpEnded("IW-0000"), NOW)
    await store.move_waiting_lists(NOW)
    assert statuses(week)["IW-0001"] == "offered"
    await store.move_waiting_lists(NOW + timedelta(hours=11))
    assert statuses(week)["IW-0001"] == "offered"  # still valid
    await store.move_waiting_lists(NOW + timedelta(hours=12, seconds=1))
    assert statuses(week)["IW-0001"] == "expired"
    assert statuses(week)["IW-0002"] == "offered"
    with make_sessions(week).begin() as session:
        end_sign_up(session, c, SignUpEnded("IW-0002"), NOW + timedelta(hours=13))  # declined
    await store.move_waiting_lists(NOW + timedelta(hours=13))
    assert statuses(week)["IW-0002"] == "declined"
    assert statuses(week)["IW-0003"] == "offered"
    assert counts(week) == (1, 0)


async def test_reminders_and_offers_go_once_across_a_restart_and_two_sweepers(
    week: Engine,
) -> None:
    set_capacity(week, EVENT, 1)
    a, b = await contacts(week, 2)
    signup(week, a, 1)
    signup(week, b, 2)
    with make_sessions(week).begin() as session:
        end_sign_up(session, a, SignUpEnded("IW-0001"), NOW)
    first = builders.infoweek_store(week)
    await first.move_waiting_lists(NOW)
    starts = datetime(2027, 3, 9, 13, 0, tzinfo=UTC)
    due = starts - timedelta(minutes=30)
    claims = await asyncio.gather(
        *(
            s.claim_due_messages(NOW, 10, timedelta(minutes=10))
            for s in [first, builders.infoweek_store(week)] * 3
        )
    )
    claimed = [item for batch in claims for item in batch]
    assert [(item.kind, item.address) for item in claimed] == [("offer", "1001")]
    for item in claimed:
        await first.finish_message(item.id, sent=True, at=NOW)
    with make_sessions(week).begin() as session:
        accept_offer(session, b, OfferAccepted("IW-0002"), NOW)
    sent = []
    for moment in (starts - timedelta(hours=23), due):  # the day before, then 2 hours before
        reminders = await asyncio.gather(
            *(
                s.claim_due_messages(moment, 10, timedelta(minutes=10))
                for s in [first, builders.infoweek_store(week)] * 3
            )
        )
        for batch in reminders:
            for item in batch:
                sent.append(item.kind)
                await first.finish_message(item.id, sent=True, at=moment)
    assert sent == ["day_before", "2h"]
    restarted = builders.infoweek_store(week)  # a new process: the rows remember
    assert await restarted.claim_due_messages(due + timedelta(hours=1), 10, timedelta(0)) == []
