"""The info week in the console: the organisation's events with anonymous counts, check-in
by the code a person shows (typed, or read from the QR code on their phone by a scanner that
types it), the counts as CSV, and each event's links and poster QR codes (PNG and SVG)."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response

from adapters.db.staff_infoweek import EventCounts, sign_up_code
from adapters.event_links import CHANNELS, qr_png, qr_svg
from adapters.staff.auth import Staff
from adapters.staff.console import Console
from adapters.staff.forms import text_field
from adapters.staff.handoff_pages import not_found

BRUSSELS = ZoneInfo("Europe/Brussels")
CSV_COLUMNS = (
    "event",
    "starts",
    "place",
    "capacity",
    "taken",
    "signed_up",
    "waiting",
    "offers_open",
    "came",
    "left",
    "languages",
)


def title_of(event: EventCounts, lang: str) -> str:
    for code in (lang, "fr", "nl", "en", *sorted(event.title)):
        if event.title.get(code):
            return str(event.title[code])
    return event.code


class InfoWeekPages:
    def __init__(self, console: Console) -> None:
        self.console = console

    async def _events(self, staff: Staff) -> list[EventCounts]:
        return await anyio.to_thread.run_sync(
            self.console.info_week.events, staff.actor.organisation_id
        )

    async def _event(self, request: Request, staff: Staff) -> EventCounts | None:
        event_id = int(request.path_params["event_id"])
        return await anyio.to_thread.run_sync(
            self.console.info_week.event, staff.actor.organisation_id, event_id
        )

    async def list(self, _request: Request, staff: Staff, result: str | None = None) -> Response:
        events = await self._events(staff)
        return self.console.render(
            "info_week.html",
            staff.lang,
            staff=staff,
            events=events,
            title_of=title_of,
            zone=BRUSSELS,
            result=result,
        )

    async def check_in(self, request: Request, staff: Staff) -> Response:
        code = await text_field(request, "code", 16)
        outcome, event = await anyio.to_thread.run_sync(
            self.console.info_week.check_in, staff.actor, code, self.console.now()
        )
        text = self.console.texts.text(
            staff.lang, f"infoweek.check_in.{outcome}", code=sign_up_code(code), event=event or ""
        )
        return await self.list(request, staff, result=text)

    async def page(self, request: Request, staff: Staff) -> Response:
        event = await self._event(request, staff)
        if event is None:
            return not_found(self.console, staff)
        links = self.console.event_links.all(event.code)
        return self.console.render(
            "info_event.html",
            staff.lang,
            staff=staff,
            event=event,
            title=title_of(event, staff.lang),
            zone=BRUSSELS,
            links=links,
        )

    async def qr(self, request: Request, staff: Staff) -> Response:
        event = await self._event(request, staff)
        channel = request.query_params.get("channel", "webchat")
        link = self.console.event_links.link(event.code, channel) if event else None
        if event is None or channel not in CHANNELS or link is None:
            return not_found(self.console, staff)
        name = f"{event.code}-{channel}"
        if request.url.path.endswith(".svg"):
            return Response(
                qr_svg(link),
                media_type="image/svg+xml",
                headers={"Content-Disposition": f'inline; filename="{name}.svg"'},
            )
        return Response(
            qr_png(link),
            media_type="image/png",
            headers={"Content-Disposition": f'inline; filename="{name}.png"'},
        )

    async def export(self, _request: Request, staff: Staff) -> Response:
        events = await self._events(staff)
        await anyio.to_thread.run_sync(
            self.console.info_week.record_export, staff.actor, self.console.now()
        )
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for event in events:
            writer.writerow(
                (
                    event.code,
                    event.starts_at.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M"),
                    "online" if event.online else (event.city or ""),
                    event.capacity,
                    event.held,
                    event.signed_up,
                    event.waiting,
                    event.offers,
                    event.came,
                    event.left,
                    " ".join(f"{lang}:{n}" for lang, n in event.languages.items()),
                )
            )
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="info-week-counts.csv"'},
        )
