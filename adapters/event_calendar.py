"""``GET /calendar/event/<code>.ics``: a person's own sign-up as a calendar file, by a signed
short-lived link (WhatsApp takes no files: it is sent this link instead; the other channels
carry the file itself)."""

from __future__ import annotations

from urllib.parse import urlparse

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from adapters.db.infoweek_store import SqlInfoWeekStore
from adapters.signed_links import verify
from bot.i18n.catalog import Catalog
from bot.infoweek import labels
from bot.infoweek.calendar_file import signup_ics
from bot.infoweek.dialogue import event_file_path
from bot.ports import Clock, StorageUnavailable


class EventCalendarFiles:
    def __init__(
        self,
        store: SqlInfoWeekStore,
        clock: Clock,
        public_base_url: str,
        secret_key: str,
        catalog: Catalog,
        ics_domain: str,
    ) -> None:
        self._store = store
        self._clock = clock
        self._secret_key = secret_key
        self._catalog = catalog
        self._domain = ics_domain or urlparse(public_base_url).hostname or "passerelle"

    async def get(self, request: Request) -> Response:
        code = request.path_params["code"]
        expires = request.query_params.get("expires", "")
        signature = request.query_params.get("sig", "")
        path = event_file_path(code)
        if not verify(self._secret_key, path, expires, signature, self._clock.now()):
            return Response("this link is not valid or has expired", status_code=403)
        try:
            found = await self._store.sign_up_file(code)
        except StorageUnavailable:
            return Response("busy, try again later", status_code=503)
        if found is None:
            return Response("not found", status_code=404)
        event, lang = found
        voice = labels.Voice(
            self._catalog, lang if lang in self._catalog.codes else self._catalog.default_language
        )
        body = signup_ics(
            event, code, labels.title(voice, event), labels.where(voice, event), self._domain
        )
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{code}.ics"',
                "Cache-Control": "private, no-store",
                "Referrer-Policy": "no-referrer",
            },
        )

    def routes(self) -> list[BaseRoute]:
        return [Route("/calendar/event/{code}.ics", self.get, methods=["GET"])]
