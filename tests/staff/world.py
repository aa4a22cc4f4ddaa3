"""Two organisations with their accounts, handoffs, a booking and a canned reply, built
through the real stores on a migrated database; and a client logged in to the console."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from adapters.db.database import make_sessions
from adapters.db.handoff_writes import NewHandoff, open_handoff, record_person_message
from adapters.db.infoweek_models import EventSignupRow, InfoEventRow, InfoWeekRow
from adapters.db.models import Booking, Contact, Handoff, Organisation, Place, StaffMember
from adapters.db.staff_accounts import SqlStaffAccounts
from adapters.db.staff_models import CannedReply
from adapters.settings import Settings
from adapters.staff.passwords import hash_password
from adapters.staff.routes import staff_routes
from tests.support.builders import TEST_ENCRYPTION_KEY, TEST_SECRET, load_demo_data

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class MovableClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


@dataclass
class Side:
    """What one organisation owns in the test world."""

    organisation_id: int
    coordinator: str
    adviser: str
    handoff_id: int
    contact_code: str
    booking_id: int | None = None
    booking_reference: str | None = None
    canned_id: int | None = None
    event_id: int | None = None


def settings(base_url: str = "http://testserver") -> Settings:
    return Settings(
        secret_key=TEST_SECRET, encryption_key=TEST_ENCRYPTION_KEY, public_base_url=base_url
    )


def add_contact(db: Session, key: str, channel: str = "webchat", language: str = "fr") -> Contact:
    contact = Contact(
        channel=channel, key=key, language=language, created_at=NOW, last_seen_at=NOW
    )
    db.add(contact)
    db.flush()
    return contact


def add_handoff(
    engine: Engine, organisation_id: int, key: str, *, urgent: bool = False, text: str = ""
) -> tuple[int, str]:
    """A handed-over contact of this organisation, as the engine integration will write it."""
    with make_sessions(engine).begin() as db:
        contact = add_contact(db, key)
        summary = {
            "items": [
                {
                    "label": {"fr": "Projet", "nl": "Project", "en": "Project"},
                    "value": "une épicerie",
                }
            ]
        }
        handoff = open_handoff(
            db, contact, NewHandoff(organisation_id, "asked", urgent, summary), NOW
        )
        if text:
            record_person_message(db, handoff, text, NOW)
        assert handoff.contact_code is not None
        return handoff.id, handoff.contact_code


def build_world(engine: Engine) -> tuple[Side, Side]:
    load_demo_data(engine)
    sessions = make_sessions(engine)
    accounts = SqlStaffAccounts(sessions)
    hashed = hash_password(PASSWORD)
    sides = []
    for code in ("microstart", "saamo_hub"):
        with sessions() as db:
            organisation_id = db.scalar(select(Organisation.id).where(Organisation.code == code))
        assert organisation_id is not None
        coordinator, adviser = f"coord@{code}.test", f"adviser@{code}.test"
        accounts.add(coordinator, code, "coordinator", hashed, "en", NOW)
        accounts.add(adviser, code, "adviser", hashed, "fr", NOW)
        handoff_id, contact_code = add_handoff(
            engine, organisation_id, f"key-{code}", text="Bonjour"
        )
        sides.append(Side(organisation_id, coordinator, adviser, handoff_id, contact_code))
    first, second = sides
    first.booking_id, first.booking_reference = add_booking(engine, first.organisation_id)
    first.canned_id = add_canned(engine, first.organisation_id)
    first.event_id = add_info_event(engine, first.organisation_id)
    return first, second


EVENT_TITLE = "Séance d'isolation"


def add_info_event(engine: Engine, organisation_id: int) -> int:
    """An info week session of this organisation with one confirmed sign-up (IW-TEST)."""
    with make_sessions(engine).begin() as db:
        week = InfoWeekRow(
            code="iw-test", title={"fr": "Test"}, starts="2026-12-07", ends="2026-12-11"
        )
        db.add(week)
        db.flush()
        starts = NOW + timedelta(days=5)
        event = InfoEventRow(
            code="iso-event", info_week_id=week.id, organisation_id=organisation_id,
            title={"fr": EVENT_TITLE}, description={}, city="Bruxelles", region="BXL",
            place=None, online=False, link=None, starts_at=starts,
            ends_at=starts + timedelta(hours=2), languages=["fr"], audience=[], capacity=10,
            held=1, waiting=0, next_ticket=0,
        )  # fmt: skip
        db.add(event)
        db.flush()
        contact = add_contact(db, f"signup-{organisation_id}")
        db.add(
            EventSignupRow(
                code="IW-TEST", event_id=event.id, contact_id=contact.id, status="confirmed",
                places=1, language="fr", created_at=NOW,
            )
        )  # fmt: skip
        return event.id


def add_booking(
    engine: Engine, organisation_id: int, starts: datetime = NOW - timedelta(hours=1)
) -> tuple[int, str]:
    with make_sessions(engine).begin() as db:
        staff = db.scalars(
            select(StaffMember).where(StaffMember.organisation_id == organisation_id)
        ).first()
        place = db.scalars(select(Place).where(Place.organisation_id == organisation_id)).first()
        assert staff is not None
        assert place is not None
        contact = add_contact(db, f"booker-{organisation_id}-{starts.isoformat()}")
        reference = f"T{organisation_id}-{starts.strftime('%H%M')}"
        booking = Booking(
            reference=reference,
            contact_id=contact.id,
            staff_id=staff.id,
            place_id=place.id,
            appointment_type="financing",
            language="fr",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=45),
            held_start=starts,
            status="booked",
            created_at=NOW - timedelta(days=3),
        )
        db.add(booking)
        db.flush()
        return booking.id, reference


def add_canned(engine: Engine, organisation_id: int) -> int:
    with make_sessions(engine).begin() as db:
        row = CannedReply(
            organisation_id=organisation_id,
            language="fr",
            title="Horaires microStart",
            text="Nous sommes ouverts du lundi au vendredi.",
            created_at=NOW,
        )
        db.add(row)
        db.flush()
        return row.id


def console_app(engine: Engine, clock: MovableClock) -> Starlette:
    return Starlette(routes=staff_routes(settings(), engine, clock))


def client(app: Starlette, address: str = "203.0.113.7") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def login(
    browser: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> httpx.Response:
    form = await browser.get("/staff/login")
    token = CSRF.search(form.text)
    assert token, "the login form carries a CSRF token"
    return await browser.post(
        "/staff/login",
        data={"email": email, "password": password, "csrf_token": token[1]},
    )


async def csrf_of(browser: httpx.AsyncClient) -> str:
    page = await browser.get("/staff/inbox")
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert found, page.text[:300]
    return found[1]


def handoff_state(engine: Engine, handoff_id: int) -> str:
    with make_sessions(engine)() as db:
        handoff = db.get(Handoff, handoff_id)
        assert handoff is not None
        return handoff.state
