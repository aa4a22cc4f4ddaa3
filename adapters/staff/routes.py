"""Every route of the console, in one table. ``target`` says which organisation-owned object
the path names (the isolation tests go through this table, so a route added here is tested
with another organisation's account without anyone remembering to)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine
from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from adapters.clock import SystemClock
from adapters.event_links import EventLinks
from adapters.settings import Settings
from adapters.staff.admin_pages import AdminPages
from adapters.staff.auth import Endpoint, Staff, StaffEndpoint, staff_only
from adapters.staff.booking_pages import BookingPages
from adapters.staff.console import STATIC_DIR, Clock, Console
from adapters.staff.handoff_pages import HandoffPages
from adapters.staff.infoweek_pages import InfoWeekPages
from adapters.staff.live import ChangeFeed, change_feed
from adapters.staff.login import LoginPages

# handoff / booking / canned / event: the path names one (by id); "own": the page lists the
# asking organisation's things; "stream": the live event stream; "public": no login needed.
Target = Literal["handoff", "booking", "canned", "event", "own", "stream", "public"]
PING_SECONDS = 15


@dataclass(frozen=True, slots=True)
class ConsoleRoute:
    path: str
    method: str
    target: Target
    endpoint: Endpoint


def console_routes(console: Console, feed: ChangeFeed) -> list[ConsoleRoute]:
    login, handoffs = LoginPages(console), HandoffPages(console)
    bookings, admin = BookingPages(console), AdminPages(console)
    info_week = InfoWeekPages(console)

    def staff(endpoint: StaffEndpoint, *, coordinator: bool = False) -> Endpoint:
        return staff_only(console, endpoint, coordinator=coordinator)

    async def events(_request: Request, who: Staff) -> Response:
        async def stream() -> AsyncIterator[dict[str, str]]:
            async for event in feed.changes(who.actor.organisation_id):
                yield {"event": event, "data": ""}

        return EventSourceResponse(stream(), ping=PING_SECONDS)

    async def home(_request: Request) -> Response:
        return RedirectResponse("/staff/inbox", status_code=303)

    h = "/staff/handoffs/{handoff_id:int}"
    e = "/staff/info-week/{event_id:int}"
    return [
        ConsoleRoute("/staff", "GET", "public", home),
        ConsoleRoute("/staff/login", "GET", "public", login.form),
        ConsoleRoute("/staff/login", "POST", "public", login.submit),
        ConsoleRoute("/staff/logout", "POST", "own", staff(login.logout)),
        ConsoleRoute("/staff/inbox", "GET", "own", staff(handoffs.inbox)),
        ConsoleRoute("/staff/inbox/rows", "GET", "own", staff(handoffs.inbox_rows)),
        ConsoleRoute("/staff/events", "GET", "stream", staff(events)),
        ConsoleRoute(h, "GET", "handoff", staff(handoffs.page)),
        ConsoleRoute(f"{h}/conversation", "GET", "handoff", staff(handoffs.conversation)),
        ConsoleRoute(f"{h}/claim", "POST", "handoff", staff(handoffs.claim)),
        ConsoleRoute(f"{h}/reply", "POST", "handoff", staff(handoffs.reply)),
        ConsoleRoute(f"{h}/note", "POST", "handoff", staff(handoffs.note)),
        ConsoleRoute(f"{h}/transfer", "POST", "handoff", staff(handoffs.transfer)),
        ConsoleRoute(f"{h}/close", "POST", "handoff", staff(handoffs.close)),
        ConsoleRoute("/staff/bookings", "GET", "own", staff(bookings.day)),
        ConsoleRoute("/staff/bookings.csv", "GET", "own", staff(bookings.export)),
        ConsoleRoute(
            "/staff/bookings/{booking_id:int}/no-show", "POST", "booking", staff(bookings.no_show)
        ),
        ConsoleRoute("/staff/info-week", "GET", "own", staff(info_week.list)),
        ConsoleRoute("/staff/info-week.csv", "GET", "own", staff(info_week.export)),
        ConsoleRoute("/staff/info-week/check-in", "POST", "own", staff(info_week.check_in)),
        ConsoleRoute(e, "GET", "event", staff(info_week.page)),
        ConsoleRoute(f"{e}/qr.png", "GET", "event", staff(info_week.qr)),
        ConsoleRoute(f"{e}/qr.svg", "GET", "event", staff(info_week.qr)),
        ConsoleRoute("/staff/audit", "GET", "own", staff(admin.audit, coordinator=True)),
        ConsoleRoute("/staff/canned", "GET", "own", staff(admin.canned)),
        ConsoleRoute("/staff/canned", "POST", "own", staff(admin.add_canned, coordinator=True)),
        ConsoleRoute(
            "/staff/canned/{canned_id:int}/delete",
            "POST",
            "canned",
            staff(admin.delete_canned, coordinator=True),
        ),
    ]


def staff_routes(
    settings: Settings, engine: Engine, clock: Clock | None = None
) -> list[BaseRoute]:
    """The console's routes, to mount in the app: ``routes=[..., *staff_routes(...)]``."""
    console = Console.build(
        engine,
        clock or SystemClock(),
        settings.required_secret_key,
        settings.public_base_url,
        settings.content_dir / "languages.yml",
        EventLinks(
            settings.public_base_url, settings.telegram_bot_username, settings.whatsapp_number
        ),
    )
    table = console_routes(console, change_feed(engine))
    routes: list[BaseRoute] = [
        Route(route.path, route.endpoint, methods=[route.method]) for route in table
    ]
    routes.append(Mount("/staff/static", StaticFiles(directory=STATIC_DIR), name="staff_static"))
    return routes
