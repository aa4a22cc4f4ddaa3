"""Web chat channel: the ``/chat`` page and ``POST /webchat/api/messages`` (design.md §3).

``parse`` and ``render`` are pure; the route only checks limits, calls the turn handler and
answers with what the collecting sender received.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class BadWebchatRequest(ValueError):
    """The request is not a valid web chat message; the text says why."""


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
        sender = CollectingSender()
        try:
            await self._handler.handle(inbound, sender)
        except StorageUnavailable:
            return _error("the service is busy, please try again in a moment", 503)
        return JSONResponse(render(sender.messages))


async def chat_page(_request: Request) -> Response:
    return FileResponse(STATIC_DIR / "chat.html", headers=PAGE_HEADERS)


def routes(endpoint: WebchatEndpoint) -> list[BaseRoute]:
    return [
        Route("/chat", chat_page, methods=["GET"]),
        Mount("/chat/static", StaticFiles(directory=STATIC_DIR), name="chat-static"),
        Route("/webchat/api/messages", endpoint.post, methods=["POST"]),
    ]
