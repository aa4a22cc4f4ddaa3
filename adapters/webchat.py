"""Web chat channel: the ``/chat`` page and ``POST /webchat/api/messages`` (design.md §3).

``parse`` and ``render`` are pure; the route only checks limits, calls the turn handler and
answers with what the collecting sender received.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from adapters.collecting import CollectingSender
from adapters.metrics import Metrics
from adapters.ratelimit import RateLimiter
from bot.conversation import TurnHandler
from bot.engine.messages import Inbound, Outbound
from bot.engine.payloads import MAX_PAYLOAD_BYTES
from bot.ports import StorageUnavailable

CHANNEL = "webchat"
STATIC_DIR = Path(__file__).resolve().parent / "webchat_static"
MAX_BODY_BYTES = 8 * 1024
MAX_TEXT_CHARS = 2000
MAX_PAYLOAD_CHARS = MAX_PAYLOAD_BYTES  # no button the bot sends carries a longer one
# The id is the only key to a web chat conversation (and staff will write to it): the page
# draws at least 128 random bits, 22 characters of base64url.
USER_ID = re.compile(r"[A-Za-z0-9_-]{22,64}")
LANG = re.compile(r"[a-z]{2,3}")
# ``/chat?event=<id>`` (a poster's QR code): the page's first ``/start`` opens that event. The
# page itself is not changed: a short-lived cookie carries the event to the API.
EVENT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
EVENT_COOKIE = "passerelle_event"
EVENT_COOKIE_SECONDS = 600
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


# The cursor of the pull endpoint: the id of the last message the page received.
CURSOR = re.compile(r"[0-9]{1,18}")
# The page sends its id in this header rather than in the URL, so that no proxy or access log
# writes it down; ``?user=`` is accepted too (design.md §3).
USER_HEADER = "x-passerelle-user"


class BadWebchatRequest(ValueError):
    """The request is not a valid web chat message; the text says why."""


class PulledMessages(Protocol):
    @property
    def messages(self) -> tuple[Outbound, ...]: ...

    @property
    def cursor(self) -> int: ...


class WebchatPull(Protocol):
    async def pull(self, contact_key: str, after: int, now: datetime) -> PulledMessages:
        """Messages not delivered yet after ``after``; raises StorageUnavailable."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...


def parse(body: bytes, supported_languages: Sequence[str]) -> Inbound:
    if len(body) > MAX_BODY_BYTES:
        raise BadWebchatRequest(f"request body too large (at most {MAX_BODY_BYTES} bytes)")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadWebchatRequest("body is not valid JSON") from error
    except RecursionError as error:  # 8 kB of brackets nest deeper than the parser recurses
        raise BadWebchatRequest("body is nested too deeply") from error
    if not isinstance(data, dict):
        raise BadWebchatRequest("body must be a JSON object")
    unknown = set(data) - {"user", "text", "payload", "lang"}
    if unknown:
        raise BadWebchatRequest(f"unknown field(s): {', '.join(sorted(unknown))}")
    user = data.get("user")
    if not isinstance(user, str) or not USER_ID.fullmatch(user):
        raise BadWebchatRequest("user must be 22-64 characters of A-Z, a-z, 0-9, _ and -")
    text, payload = data.get("text"), data.get("payload")
    if (text is None) == (payload is None):
        raise BadWebchatRequest("send exactly one of text and payload")
    if text is not None:
        text = _checked_text(text)
    if payload is not None and (
        not isinstance(payload, str)
        or not 0 < len(payload) <= MAX_PAYLOAD_CHARS
        or not _encodable(payload)
    ):
        raise BadWebchatRequest(f"payload must be a string of 1-{MAX_PAYLOAD_CHARS} characters")
    lang = data.get("lang")
    if lang is not None and (not isinstance(lang, str) or lang not in supported_languages):
        raise BadWebchatRequest(f"lang must be one of: {', '.join(supported_languages)}")
    return Inbound(channel=CHANNEL, user_id=user, text=text, payload=payload, lang=lang)


def _encodable(value: str) -> bool:
    """False for a string JSON can carry but UTF-8 cannot (a lone surrogate, ``"\\ud800"``)."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _checked_text(text: Any) -> str:
    if not isinstance(text, str):
        raise BadWebchatRequest("text must be a string")
    if len(text) > MAX_TEXT_CHARS:
        raise BadWebchatRequest(f"text too long (at most {MAX_TEXT_CHARS} characters)")
    cleaned = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t").strip()
    if not cleaned:
        raise BadWebchatRequest("text is empty")
    return cleaned


def render(messages: Sequence[Outbound]) -> dict[str, Any]:
    rendered = []
    for message in messages:
        item = message.to_dict()
        item["dir"] = message.direction
        rendered.append(item)
    return {"messages": rendered}


async def _read_capped(request: Request) -> bytes:
    """The body, but never more than one byte past the limit, whatever the client claims."""
    declared = request.headers.get("content-length", "0")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BadWebchatRequest(f"request body too large (at most {MAX_BODY_BYTES} bytes)")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:
            break
    return bytes(body)


def _error(reason: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": reason}, status_code=status)


class WebchatEndpoint:
    def __init__(
        self,
        handler: TurnHandler,
        languages: Sequence[str],
        rate_per_minute: int,
        metrics: Metrics,
    ) -> None:
        self._handler = handler
        self._metrics = metrics
        metrics.describe("passerelle_webchat_requests_total", "Web chat API requests by outcome")
        self._languages = tuple(languages)
        self._per_user = RateLimiter(rate_per_minute, 60.0)
        self._per_client = RateLimiter(rate_per_minute * 4, 60.0)

    async def post(self, request: Request) -> Response:
        response = await self._answer(request)
        self._metrics.inc("passerelle_webchat_requests_total", status=str(response.status_code))
        return response

    async def _answer(self, request: Request) -> Response:
        client = request.client.host if request.client else "unknown"
        if not self._per_client.allow(client):
            return _error("too many requests, please wait a moment", 429)
        try:
            inbound = parse(await _read_capped(request), self._languages)
        except BadWebchatRequest as problem:
            return _error(str(problem))
        if not self._per_user.allow(inbound.user_id):
            return _error("too many messages, please wait a moment", 429)
        event = request.cookies.get(EVENT_COOKIE, "")
        opens_event = inbound.text == "/start" and EVENT_ID.fullmatch(event) is not None
        if opens_event:
            inbound = replace(inbound, text=f"/start event_{event}")
        sender = CollectingSender()
        try:
            await self._handler.handle(inbound, sender)
        except StorageUnavailable:
            return _error("the service is busy, please try again in a moment", 503)
        response = JSONResponse(render(sender.messages))
        if opens_event:
            response.delete_cookie(EVENT_COOKIE, path="/webchat")
        return response


class WebchatPullEndpoint:
    """``GET /webchat/api/messages?after=<cursor>``: what reached this conversation since the
    page last asked (staff replies), ``{"messages": [...], "cursor": "..."}``."""

    def __init__(
        self,
        handler: TurnHandler,
        pull: WebchatPull,
        clock: Clock,
        rate_per_minute: int,
    ) -> None:
        self._handler = handler
        self._pull = pull
        self._clock = clock
        # The page asks every few seconds: allow that, and bursts after a reconnection.
        self._per_user = RateLimiter(rate_per_minute * 4, 60.0)

    async def get(self, request: Request) -> Response:
        user = request.headers.get(USER_HEADER) or request.query_params.get("user") or ""
        if not USER_ID.fullmatch(user):
            return _error("user must be 22-64 characters of A-Z, a-z, 0-9, _ and -")
        after = request.query_params.get("after") or "0"
        if not CURSOR.fullmatch(after):
            return _error("after must be a cursor this endpoint returned")
        if not self._per_user.allow(user):
            return _error("too many requests, please wait a moment", 429)
        key = self._handler.contact_key(CHANNEL, user)
        try:
            pulled = await self._pull.pull(key, int(after), self._clock.now())
        except StorageUnavailable:
            return _error("the service is busy, please try again in a moment", 503)
        body = render(pulled.messages)
        body["cursor"] = str(pulled.cursor)
        return JSONResponse(body, headers={"Cache-Control": "no-store"})


async def chat_page(request: Request) -> Response:
    response = FileResponse(STATIC_DIR / "chat.html", headers=PAGE_HEADERS)
    event = request.query_params.get("event", "")
    if EVENT_ID.fullmatch(event):
        response.set_cookie(
            EVENT_COOKIE,
            event,
            max_age=EVENT_COOKIE_SECONDS,
            path="/webchat",
            httponly=True,
            samesite="strict",
        )
    return response


def routes(endpoint: WebchatEndpoint, pull: WebchatPullEndpoint | None = None) -> list[BaseRoute]:
    api = [Route("/webchat/api/messages", endpoint.post, methods=["POST"])]
    if pull is not None:
        api.append(Route("/webchat/api/messages", pull.get, methods=["GET"]))
    return [
        Route("/chat", chat_page, methods=["GET"]),
        Mount("/chat/static", StaticFiles(directory=STATIC_DIR), name="chat-static"),
        *api,
    ]
