"""A fake WhatsApp Cloud API (Graph API) on 127.0.0.1 that the real HTTP client talks to.

It records every ``POST /{phone_number_id}/messages`` body, answers with the Cloud API's
response shapes (``messages[].id`` = a wamid) and can answer with its error shapes:
``{"error": {"message", "type", "code", "fbtrace_id"}}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

PHONE_NUMBER_ID = "109876543210"
ERRORS = {
    429: (429, 130429, "Rate limit hit"),
    131047: (400, 131047, "Re-engagement message"),
    131026: (400, 131026, "Message undeliverable"),
    500: (500, 1, "An unknown error occurred"),
}


@dataclass
class FakeGraph:
    token: str
    sent: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    # error key of ERRORS -> how many of the next sends get it
    fail_next: dict[int, int] = field(default_factory=dict)
    # error key for every free-form (non-template) message, e.g. 131047 outside the window
    free_form_error: int | None = None
    url: str = ""
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))  # type: ignore[type-arg]

    async def messages(self, request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _error(401, 190, "OAuthException")
        if request.path_params["phone_number_id"] != PHONE_NUMBER_ID:
            return _error(400, 100, "Invalid parameter")
        body = await request.json()
        for key, remaining in self.fail_next.items():
            if remaining:
                self.fail_next[key] -= 1
                self.refused.append(body)
                return _error(*ERRORS[key])
        if self.free_form_error and body.get("type") not in {"template", None}:
            self.refused.append(body)
            return _error(*ERRORS[self.free_form_error])
        self.sent.append(body)
        if body.get("status") == "read":
            return JSONResponse({"success": True})
        wamid = f"wamid.OUT{next(self._ids):06d}"
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                "messages": [{"id": wamid}],
            }
        )

    def to(self, recipient: str) -> list[dict[str, Any]]:
        """What a person received (read receipts left out), in order."""
        return [b for b in self.sent if b.get("to") == recipient]


def _error(status: int, code: int, kind: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": f"({code}) {kind}", "type": kind, "code": code,
                   "fbtrace_id": "AbCdEf"}},
        status_code=status,
    )  # fmt: skip


def signed(body: dict[str, Any], app_secret: str) -> tuple[bytes, dict[str, str]]:
    """The bytes and headers Meta would send: escaped-unicode JSON signed with the app secret."""
    raw = json.dumps(body, ensure_ascii=True).encode()
    digest = hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


@contextlib.asynccontextmanager
async def fake_graph(token: str) -> AsyncIterator[FakeGraph]:
    fake = FakeGraph(token)
    app = Starlette(routes=[Route("/{phone_number_id}/messages", fake.messages, methods=["POST"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no start-up event
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        server.should_exit = True
        await task
