"""Privacy you can verify, through the real turn handler and database (SQLite, PostgreSQL):
``/mydata`` reads the database, ``/forget`` asks then erases everything in one transaction
(a booking is cancelled and detached, never vanished), retention waits for an appointment to
end, and every table is covered by erasure or says why it holds nothing about a person."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, ForeignKey, select, text
from typer.testing import CliRunner

import adapters.db.staff_models  # noqa: F401 - registers the console's tables in Base.metadata
from adapters.cli import app
from adapters.collecting import CollectingSender
from adapters.db.erasure import COVERED, NOT_ABOUT_A_PERSON
from adapters.db.models import Base, Booking, InboundMessage, Reminder
from bot.conversation import TurnHandler
from bot.engine.messages import Inbound, Outbound
from tests.conftest import DATABASES
from tests.support import builders
from tests.support.stubs import ScriptedNlu, StepClock

CHANNEL = "telegram"
PERSON = "5550001"
RAW_ID = "wamid.HBgLMzI0NzAxMjM0NTYVAgASGBQzQTk0"
_ids = iter(range(1, 10_000))


def test_every_table_is_covered_by_erasure_or_says_why_it_holds_nothing_about_a_person() -> None:
    tables = set(Base.metadata.tables)
    assert not set(COVERED) & set(NOT_ABOUT_A_PERSON)
    unclassified = tables - set(COVERED) - set(NOT_ABOUT_A_PERSON)
    assert unclassified == set(), f"say how /forget and retention erase {sorted(unclassified)}"
    # A table that reaches a contact through its foreign keys is about a person, unless the
    # link is cut when the row it points to goes (ON DELETE SET NULL: audit_entry.handoff_id).
    about_a_person = {"contact"}
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.sorted_tables:
            targets = {
                fk.column.table.name
                for fk in table.foreign_keys
                if isinstance(fk, ForeignKey) and fk.ondelete != "SET NULL"
            }
            if table.name not in about_a_person and targets & about_a_person:
                about_a_person.add(table.name)
                changed = True
    assert about_a_person <= set(COVERED)


ON_EACH_DATABASE = pytest.mark.parametrize("database_url", DATABASES, indirect=True)


@pytest.fixture
def demo_db(db: Engine) -> Engine:
    builders.load_demo_data(db)
    return db


async def say(
    handler: TurnHandler, *, payload: str | None = None, text: str | None = None
) -> list[Outbound]:
    inbound = Inbound(
        CHANNEL,
        PERSON,
        text=text,
        payload=payload,
        message_id=f"{RAW_ID}-{next(_ids)}",
        reply_address=PERSON,
    )
    return list((await handler.handle(inbound, CollectingSender())).messages)


async def book(handler: TurnHandler) -> str:
    await say(handler, payload="menu:appointment")
    await say(handler, payload="bk:t:financing")
    slots = await say(handler, payload="bk:p:1")
    await say(handler, payload=next(b.payload for m in slots for b in m.buttons))
    booked = await say(handler, payload="bk:y")
    return "MS-" + booked[0].text.split("MS-")[1][:4]


def everything(db: Engine) -> str:
    """Every row of every table, as text, to look for what must be gone."""
    found = []
    with db.connect() as connection:
        for table in Base.metadata.sorted_tables:
            found += [repr(tuple(row)) for row in connection.execute(table.select())]
    return "\n".join(found)


@ON_EACH_DATABASE
async def test_mydata_shows_what_the_database_holds_in_the_persons_language(
    demo_db: Engine,
) -> None:
    handler = builders.turn_handler(demo_db, ScriptedNlu(), StepClock())
    await say(handler, payload="lang:nl")
    reference = await book(handler)
    shown = (await say(handler, text="/mydata"))[0].text
    catalog = builders.catalog()
    assert shown.startswith(catalog.text("nl", "mydata.intro"))
    assert catalog.text("nl", "mydata.language", language="Nederlands") in shown
    assert f"{reference}:" in shown
    # Erased on the day the appointment ends at the earliest, else 180 days after today.
    assert "mei 2027" in shown  # 23 November 2026 + 180 days


@ON_EACH_DATABASE
async def test_forget_asks_first_then_erases_everything_but_the_organisations_booking(
    demo_db: Engine,
) -> None:
    handler = builders.turn_handler(demo_db, ScriptedNlu(), StepClock())
    reference = await book(handler)
    await say(handler, text="/human")
    await say(handler, text="j'ai besoin d'aide pour mes papiers")  # relayed into the handoff
    asked = await say(handler, text="/forget")
    assert [b.payload for b in asked[-1].buttons] == ["cmd:forget_yes", "cmd:forget_no"]
    assert PERSON not in everything(demo_db)  # the chat id is never stored in clear
    done = await say(handler, payload="cmd:forget_yes")
    assert done[-1].text == builders.catalog().text("fr", "forget.done")

    with demo_db.connect() as connection:
        booking = connection.execute(select(Booking)).one()
        reminders = connection.execute(select(Reminder.id)).all()
        linked = connection.execute(select(InboundMessage.contact_id).distinct()).all()
        counts = {
            name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608
            for name in ("contact", "session", "consent", "outbox", "handoff", "handoff_message")
        }
    assert counts == dict.fromkeys(counts, 0)
    assert (booking.reference, booking.status, booking.contact_id) == (reference, "erased", None)
    assert booking.held_start is None
    assert booking.shared_answers is None
    assert booking.erased_at is not None
    assert reminders == []
    assert linked == [(None,)]
    stored = everything(demo_db)
    assert RAW_ID not in stored  # message ids only as keyed hashes
    with demo_db.connect() as connection:
        kept_ids = connection.execute(select(InboundMessage.message_id)).scalars().all()
    assert kept_ids
    assert all(len(key) == 64 and key.isalnum() for key in kept_ids)
    assert "papiers" not in stored


@ON_EACH_DATABASE
async def test_forget_twice_is_harmless(demo_db: Engine) -> None:
    handler = builders.turn_handler(demo_db, ScriptedNlu(), StepClock())
    await say(handler, text="/forget")
    first = await say(handler, payload="cmd:forget_yes")
    again = await say(handler, payload="cmd:forget_yes")
    assert first[-1].text == again[-1].text == builders.catalog().text("fr", "forget.done")


@ON_EACH_DATABASE
async def test_retention_never_erases_before_an_upcoming_appointment_has_ended(
    demo_db: Engine,
) -> None:
    clock = StepClock()
    handler = builders.turn_handler(demo_db, ScriptedNlu(), clock)
    await book(handler)
    store = builders.store(demo_db)
    with demo_db.connect() as connection:
        ends_at = connection.execute(select(Booking.ends_at)).scalar_one()
    silent_since = clock.now() + timedelta(seconds=5)  # everyone counts as silent
    kept = await store.purge(silent_since, clock.now())
    assert kept.contacts == 0
    erased = await store.purge(silent_since, ends_at + timedelta(minutes=1))
    assert erased.contacts == 1
    with demo_db.connect() as connection:
        booking = connection.execute(select(Booking)).one()
    assert (booking.status, booking.contact_id) == ("booked", None)  # a past one, detached


@ON_EACH_DATABASE
async def test_old_message_ids_expire(demo_db: Engine) -> None:
    clock = StepClock()
    handler = builders.turn_handler(demo_db, ScriptedNlu(), clock)
    await say(handler, text="/start")
    store = builders.store(demo_db)
    now = clock.now()
    assert (await store.purge(now - timedelta(days=1), now)).counts["inbound_message"] == 0
    later = now + timedelta(days=9)
    silent_since = later - timedelta(days=1)
    counts = (await store.purge(silent_since, later, dry_run=True)).counts
    assert counts["inbound_message"] == 1
    assert counts["contact"] == 1
    await store.purge(silent_since, later)
    with demo_db.connect() as connection:
        for name in ("contact", "inbound_message", "outbox", "session"):
            assert connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() == 0  # noqa: S608


def test_purge_dry_run_prints_counts_per_table_and_erases_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSERELLE_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would erase 0 contact(s) silent for 180 days" in result.output
    for table in ("session", "booking (cancelled)", "inbound_message", "delivery_status"):
        assert table in result.output
    result = CliRunner().invoke(app, ["purge"])
    assert result.exit_code == 0, result.output
    assert "erased 0 contact(s)" in result.output
