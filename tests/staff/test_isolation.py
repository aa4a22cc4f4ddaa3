"""Each organisation sees only its own people, route by route: the cases are generated from
the console's route table, so a new route is tested here without anyone adding it.

A route naming another organisation's handoff, booking or canned reply answers 404 and writes
nothing; a page listing "own" things shows nothing of the other organisation and changes
nothing of it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select
from starlette.applications import Starlette
from starlette.routing import Route

from adapters.db.database import make_sessions
from adapters.db.handoff_store import Actor, SqlHandoffStore
from adapters.db.models import Base
from adapters.settings import PROJECT_DIR
from adapters.staff.console import Console
from adapters.staff.live import READY, PollingChangeFeed
from adapters.staff.routes import ConsoleRoute, console_routes, staff_routes
from tests.conftest import DATABASES
from tests.staff.world import NOW, MovableClock, Side, client, csrf_of, login, settings

ON_BOTH_DATABASES = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

# Written by the asking account's own login and sessions, not about anyone's people.
OWN_BOOKKEEPING = {"staff_session", "login_attempt"}


def route_table() -> list[ConsoleRoute]:
    # The table only; no database is touched to build it.
    console = Console.build(
        create_engine("sqlite://"),
        MovableClock(),
        "x" * 40,
        "http://testserver",
        PROJECT_DIR / "flows" / "languages.yml",
    )
    return console_routes(console, PollingChangeFeed(create_engine("sqlite://")))


ROUTES = route_table()
# The endless event stream is read through a feed that ends (below).
ANSWERING = [route for route in ROUTES if route.target != "stream"]
BY_ID = [route for route in ROUTES if route.target in ("handoff", "booking", "canned", "event")]


def snapshot(db: Engine, first: Side) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, except the asking account's own login bookkeeping and the
    audit entries of its own organisation (reads of its own pages are audited)."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with db.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in OWN_BOOKKEEPING:
                continue
            query = select(table)
            if table.name == "audit_entry":
                query = query.where(table.c.organisation_id == first.organisation_id)
            tables[table.name] = sorted(map(tuple, connection.execute(query).all()), key=repr)
    return tables


def concrete_path(route: ConsoleRoute, of: Side) -> str:
    ids = {
        "handoff_id": of.handoff_id,
        "booking_id": of.booking_id,
        "canned_id": of.canned_id,
        "event_id": of.event_id,
    }
    return re.sub(r"\{(\w+):int\}", lambda m: str(ids[m[1]]), route.path)


def secrets_of(side: Side) -> list[str]:
    return [
        side.contact_code,
        side.booking_reference or "",
        "Horaires microStart",
        "Bonjour",
        "iso-event",
        "Séance d&#39;isolation",
        "Séance d'isolation",
    ]


@ON_BOTH_DATABASES
@pytest.mark.parametrize("route", ANSWERING, ids=[f"{r.method} {r.path}" for r in ANSWERING])
async def test_another_organisations_account_finds_nothing_and_changes_nothing(
    route: ConsoleRoute, app: Any, db: Engine, world: tuple[Side, Side]
) -> None:
    first, second = world
    # Something of the first organisation in its audit log, for the audit page to leak.
    SqlHandoffStore(make_sessions(db)).page(
        Actor(1, first.organisation_id), first.handoff_id, NOW, audited=True
    )
    async with client(app) as browser:
        await login(browser, second.coordinator)
        token = await csrf_of(browser)
        before = snapshot(db, first)
        answer = await browser.request(
            route.method,
            concrete_path(route, first),
            data={"csrf_token": token} if route.method == "POST" else None,
        )
        assert snapshot(db, first) == before, "nothing of the first organisation changed"
    if route in BY_ID:
        assert answer.status_code == 404
    elif route.target == "own":
        assert answer.status_code in (200, 303)
    else:  # public: the login pages, which know no organisation
        assert answer.status_code < 500
    for secret in secrets_of(first):
        assert secret not in answer.text


@ON_BOTH_DATABASES
@pytest.mark.parametrize("route", BY_ID, ids=[f"{r.method} {r.path}" for r in BY_ID])
async def test_the_owning_organisation_reaches_the_same_routes(
    route: ConsoleRoute, app: Any, world: tuple[Side, Side]
) -> None:
    """The 404s above come from the organisation, not from a broken route."""
    first, _ = world
    async with client(app) as browser:
        await login(browser, first.coordinator)
        token = await csrf_of(browser)
        answer = await browser.request(
            route.method,
            concrete_path(route, first),
            data={"csrf_token": token, "text": "ok"} if route.method == "POST" else None,
        )
    assert answer.status_code in (200, 303)


class OneEventFeed:
    """A feed that says READY and ends, so the endless stream can be read to its end; it
    records which organisation the console subscribed to."""

    def __init__(self) -> None:
        self.subscribed: list[int] = []

    async def changes(self, organisation_id: int) -> AsyncIterator[str]:
        self.subscribed.append(organisation_id)
        yield READY


@ON_BOTH_DATABASES
async def test_the_event_stream_follows_the_askers_organisation_only(
    db: Engine, world: tuple[Side, Side]
) -> None:
    """The stream carries no data (the fragments are fetched through the scoped routes); what
    it must get right is whose changes it listens to. The feeds themselves: test_live.py."""
    _, second = world
    feed = OneEventFeed()
    console = Console.build(
        db,
        MovableClock(),
        settings().required_secret_key,
        "http://testserver",
        PROJECT_DIR / "flows" / "languages.yml",
    )
    table = console_routes(console, feed)
    app = Starlette(routes=[Route(r.path, r.endpoint, methods=[r.method]) for r in table])
    async with client(app) as browser:
        await login(browser, second.coordinator)
        answer = await browser.get("/staff/events")
    assert answer.status_code == 200
    assert "event: ready" in answer.text
    assert feed.subscribed == [second.organisation_id]


@ON_BOTH_DATABASES
def test_every_mounted_console_route_is_in_the_table(db: Engine) -> None:
    mounted = {
        (route.path, method)
        for route in staff_routes(settings(), db)
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    assert mounted == {(route.path, route.method) for route in ROUTES}


def test_every_route_has_a_target_the_tests_know() -> None:
    known = {"handoff", "booking", "canned", "event", "own", "stream", "public"}
    assert {route.target for route in ROUTES} <= known
    assert [r.path for r in ROUTES if r.target == "stream"] == ["/staff/events"]


def test_the_snapshot_sees_every_table() -> None:
    assert {t.name for t in Base.metadata.sorted_tables} - OWN_BOOKKEEPING >= {
        "handoff",
        "handoff_message",
        "booking",
        "canned_reply",
        "audit_entry",
        "staff_account",
    }
