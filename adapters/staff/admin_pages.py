"""Pages for the organisation's own settings and oversight: the audit log (coordinators
only) and the canned replies (everyone reads them, coordinators write them)."""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from adapters.staff.auth import Staff
from adapters.staff.console import Console
from adapters.staff.forms import text_field
from adapters.staff.handoff_pages import not_found

MAX_TITLE = 100


class AdminPages:
    def __init__(self, console: Console) -> None:
        self.console = console

    async def audit(self, _request: Request, staff: Staff) -> Response:
        lines = await anyio.to_thread.run_sync(
            self.console.audit_log.recent, staff.actor.organisation_id
        )
        return self.console.render("audit.html", staff.lang, staff=staff, lines=lines)

    async def canned(self, _request: Request, staff: Staff) -> Response:
        replies = await anyio.to_thread.run_sync(
            self.console.canned.list, staff.actor.organisation_id, None
        )
        return self.console.render(
            "canned.html",
            staff.lang,
            staff=staff,
            replies=replies,
            languages=self.console.person_languages,
        )

    async def add_canned(self, request: Request, staff: Staff) -> Response:
        language = await text_field(request, "language", 8)
        title = await text_field(request, "title", MAX_TITLE)
        text = await text_field(request, "text")
        # Written in the person's language: any of the bot's, not only the console's three.
        if language in self.console.person_languages and title and text:
            await anyio.to_thread.run_sync(
                self.console.canned.add,
                staff.actor,
                language,
                title,
                text,
                self.console.now(),
            )
        return RedirectResponse("/staff/canned", 303)

    async def delete_canned(self, request: Request, staff: Staff) -> Response:
        canned_id = int(request.path_params["canned_id"])
        done = await anyio.to_thread.run_sync(
            self.console.canned.delete, staff.actor, canned_id, self.console.now()
        )
        if not done:
            return not_found(self.console, staff)
        return RedirectResponse("/staff/canned", 303)
