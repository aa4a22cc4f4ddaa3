"""The inbox and one handoff: read, claim, reply, note, transfer, close.

A handoff id of another organisation answers 404 like one that does not exist, and nothing
is written: the stores only ever find the asking organisation's handoffs.
"""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from adapters.staff.auth import Staff
from adapters.staff.console import Console
from adapters.staff.forms import from_htmx, id_field, text_field


class HandoffPages:
    def __init__(self, console: Console) -> None:
        self.console = console

    async def inbox(self, _request: Request, staff: Staff) -> Response:
        return await self._inbox("inbox.html", staff)

    async def inbox_rows(self, _request: Request, staff: Staff) -> Response:
        return await self._inbox("_inbox_rows.html", staff)

    async def _inbox(self, template: str, staff: Staff) -> Response:
        handoffs = await anyio.to_thread.run_sync(
            self.console.handoffs.inbox, staff.actor.organisation_id
        )
        return self.console.render(template, staff.lang, staff=staff, handoffs=handoffs)

    async def page(self, request: Request, staff: Staff) -> Response:
        return await self._page(request, staff, "handoff.html", audited=True)

    async def conversation(self, request: Request, staff: Staff) -> Response:
        return await self._page(request, staff, "_conversation.html", audited=False)

    async def _page(
        self, request: Request, staff: Staff, template: str, *, audited: bool
    ) -> Response:
        console = self.console
        handoff_id = int(request.path_params["handoff_id"])
        found = await anyio.to_thread.run_sync(
            lambda: console.handoffs.page(staff.actor, handoff_id, console.now(), audited=audited)
        )
        if found is None:
            return not_found(console, staff)
        canned = await anyio.to_thread.run_sync(
            console.canned.list, staff.actor.organisation_id, found.handoff.language
        )
        organisations = await anyio.to_thread.run_sync(
            console.handoffs.other_organisations, staff.actor.organisation_id
        )
        return console.render(
            template,
            staff.lang,
            staff=staff,
            page=found,
            canned=canned,
            organisations=organisations,
        )

    async def claim(self, request: Request, staff: Staff) -> Response:
        handoff_id = int(request.path_params["handoff_id"])
        done = await anyio.to_thread.run_sync(
            self.console.handoffs.claim, staff.actor, handoff_id, self.console.now()
        )
        return await self._after(request, staff, done)

    async def reply(self, request: Request, staff: Staff) -> Response:
        handoff_id = int(request.path_params["handoff_id"])
        text = await text_field(request, "text") or await self._canned_text(request, staff)
        if not text:
            return await self._after(request, staff, False)
        done = await anyio.to_thread.run_sync(
            self.console.handoffs.reply, staff.actor, handoff_id, text, self.console.now()
        )
        return await self._after(request, staff, done)

    async def note(self, request: Request, staff: Staff) -> Response:
        handoff_id = int(request.path_params["handoff_id"])
        text = await text_field(request, "text")
        if not text:
            return await self._after(request, staff, False)
        done = await anyio.to_thread.run_sync(
            self.console.handoffs.note, staff.actor, handoff_id, text, self.console.now()
        )
        return await self._after(request, staff, done)

    async def close(self, request: Request, staff: Staff) -> Response:
        handoff_id = int(request.path_params["handoff_id"])
        done = await anyio.to_thread.run_sync(
            self.console.handoffs.close, staff.actor, handoff_id, self.console.now()
        )
        return await self._after(request, staff, done)

    async def transfer(self, request: Request, staff: Staff) -> Response:
        handoff_id = int(request.path_params["handoff_id"])
        organisation = await text_field(request, "organisation", 32)
        done = await anyio.to_thread.run_sync(
            self.console.handoffs.transfer,
            staff.actor,
            handoff_id,
            organisation,
            self.console.now(),
        )
        return await self._after(request, staff, done)

    async def _canned_text(self, request: Request, staff: Staff) -> str:
        canned_id = await id_field(request, "canned_id")
        if canned_id is None:
            return ""
        found = await anyio.to_thread.run_sync(
            self.console.canned.get, staff.actor.organisation_id, canned_id
        )
        return found.text if found else ""

    async def _after(self, request: Request, staff: Staff, done: bool) -> Response:
        """htmx gets the conversation again; a plain form goes back to the page. A handoff not
        found (or closed, for actions that need it open) is a 404 either way."""
        if not done:
            exists = await anyio.to_thread.run_sync(
                lambda: self.console.handoffs.page(
                    staff.actor,
                    int(request.path_params["handoff_id"]),
                    self.console.now(),
                    audited=False,
                )
            )
            if exists is None:
                return not_found(self.console, staff)
        if from_htmx(request):
            return await self.conversation(request, staff)
        return RedirectResponse(f"/staff/handoffs/{request.path_params['handoff_id']}", 303)


def not_found(console: Console, staff: Staff) -> Response:
    text = console.texts.text(staff.lang, "error.not_found")
    return console.render("error.html", staff.lang, 404, message=text, staff=staff)
