"""The organisation's bookings of one day (Brussels time), no-show marking, and the day as a
CSV of reference codes: no contact data is in any of them."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from adapters.db.staff_bookings import BookingLine
from adapters.staff.auth import Staff
from adapters.staff.console import Console
from adapters.staff.forms import from_htmx, text_field
from adapters.staff.handoff_pages import not_found

BRUSSELS = ZoneInfo("Europe/Brussels")
CSV_COLUMNS = ("reference", "time", "type", "place", "language", "status", "no_show")


class BookingPages:
    def __init__(self, console: Console) -> None:
        self.console = console

    def _day(self, raw: str | None) -> date:
        try:
            return (
                date.fromisoformat(raw) if raw else self.console.now().astimezone(BRUSSELS).date()
            )
        except ValueError:
            return self.console.now().astimezone(BRUSSELS).date()

    async def _lines(self, staff: Staff, day: date) -> list[BookingLine]:
        since = datetime.combine(day, time(0), tzinfo=BRUSSELS)
        until = datetime.combine(day + timedelta(days=1), time(0), tzinfo=BRUSSELS)
        return await anyio.to_thread.run_sync(
            self.console.bookings.day, staff.actor.organisation_id, since, until
        )

    async def day(self, request: Request, staff: Staff) -> Response:
        day = self._day(request.query_params.get("day"))
        lines = await self._lines(staff, day)
        return self.console.render(
            "bookings.html",
            staff.lang,
            staff=staff,
            day=day,
            lines=lines,
            zone=BRUSSELS,
            previous=day - timedelta(days=1),
            following=day + timedelta(days=1),
        )

    async def no_show(self, request: Request, staff: Staff) -> Response:
        booking_id = int(request.path_params["booking_id"])
        done = await anyio.to_thread.run_sync(
            self.console.bookings.mark_no_show, staff.actor, booking_id, self.console.now()
        )
        if not done:
            exists = await anyio.to_thread.run_sync(
                self.console.bookings.exists, staff.actor.organisation_id, booking_id
            )
            if not exists:
                return not_found(self.console, staff)
        day = self._day(await text_field(request, "day", 10))
        if from_htmx(request):
            request.scope["query_string"] = f"day={day.isoformat()}".encode()
            return await self.day(request, staff)
        return RedirectResponse(f"/staff/bookings?day={day.isoformat()}", 303)

    async def export(self, request: Request, staff: Staff) -> Response:
        day = self._day(request.query_params.get("day"))
        lines = await self._lines(staff, day)
        await anyio.to_thread.run_sync(
            self.console.bookings.record_export, staff.actor, day.isoformat(), self.console.now()
        )
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for line in lines:
            writer.writerow(
                (
                    line.reference,
                    line.starts_at.astimezone(BRUSSELS).strftime("%H:%M"),
                    line.appointment_type,
                    line.place,
                    line.language,
                    line.status,
                    "yes" if line.no_show else "",
                )
            )
        filename = f"bookings-{day.isoformat()}.csv"
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
