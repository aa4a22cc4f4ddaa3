"""``GET /calendar/staff/<token>.ics``: a staff member's private feed of their bookings.

The token is the only key (like a private calendar address); an unknown one is a plain 404.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from adapters.db.booking_store import SqlBookingStore
from adapters.signed_links import verify
from bot.booking.calendar_file import appointment_ics, staff_feed_ics
from bot.i18n.catalog import Catalog
from bot.ports import Clock, StorageUnavailable

HISTORY = timedelta(days=30)


def booking_file_path(reference: str) -> str:
    """Where a person's own appointment file is served (signed for WhatsApp's links)."""
    return f"/calendar/booking/{reference}.ics"


class StaffCalendarFeed:
    def __init__(
        self,
        store: SqlBookingStore,
        clock: Clock,
        public_base_url: str,
        secret_key: str,
        catalog: Catalog,
    ) -> None:
        self._store = store
        self._clock = clock
        self._domain = urlparse(public_base_url).hostname or "passerelle"
        self._secret_key = secret_key
        self._catalog = catalog

    async def booking_file(self, request: Request) -> Response:
        """A person's own appointment, by a signed short-lived link (WhatsApp sends these)."""
        reference = request.path_params["reference"]
        path = booking_file_path(reference)
        expires = request.query_params.get("expires", "")
        signature = request.query_params.get("sig", "")
        if not verify(self._secret_key, path, expires, signature, self._clock.now()):
            return Response("this link is not valid or has expired", status_code=403)
        try:
            appointment = await self._store.by_reference(reference)
        except StorageUnavailable:
            return Response("busy, try again later", status_code=503)
        if appointment is None:
            return Response("not found", status_code=404)
        lang = appointment.language
        lang = lang if lang in self._catalog.codes else self._catalog.default_language
        summary = self._catalog.text(lang, f"booking.types.{appointment.appointment_type}")
        return Response(
            appointment_ics(appointment, self._domain, summary),
            media_type="text/calendar; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{reference}.ics"',
                "Cache-Control": "private, no-store",
                "Referrer-Policy": "no-referrer",
            },
        )

    async def get(self, request: Request) -> Response:
        token = request.path_params["token"]
        try:
            found = await self._store.staff_feed(token, self._clock.now() - HISTORY)
        except StorageUnavailable:
            return Response("busy, try again later", status_code=503)
        if found is None:
            return Response("not found", status_code=404)
        name, appointments = found
        body = staff_feed_ics(appointments, self._domain, f"Passerelle - {name}")
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"},
        )

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/calendar/staff/{token}.ics", self.get, methods=["GET"]),
            Route("/calendar/booking/{reference}.ics", self.booking_file, methods=["GET"]),
        ]
