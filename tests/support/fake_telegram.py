"""A fake Telegram Bot API on 127.0.0.1 that the real python-telegram-bot talks to.

It honours the wire facts of platforms.md §1: ``POST /bot<token>/<method>`` with form-encoded
or multipart bodies, nested values as JSON strings, ``{"ok": true, "result": ...}`` answers,
errors as ``{"ok": false, "error_code": ..., "description": ...}``. It records every call,
serves queued updates to ``getUpdates`` (polling) and can be told to fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BOT_ID = 777000111
JSON_FIELDS = {"reply_markup", "commands", "allowed_updates", "entities"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    message_id: int | None = None  # of the message the call created, if any


@dataclass
class FakeTelegram:
    token: str
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    blocked_chats: set[int] = field(default_factory=set)
    # method -> number of next calls answered 429 with retry_after 1
    throttle: dict[str, int] = field(default_factory=dict)
    # method -> number of next calls answered 502 Bad Gateway (Telegram briefly unreachable)
    unreachable: dict[str, int] = field(default_factory=dict)
    url: str = ""
    _message_id: int = 100

    def sent(self, method: str = "sendMessage") -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def texts(self, chat_id: int) -> list[str]:
        return [c.params["text"] for c in self.sent() if int(c.params["chat_id"]) == chat_id]

    async def handle(self, request: Request) -> JSONResponse:
        token, method = request.path_params["token"], request.path_params["method"]
        if token != self.token:
            return _error(401, "Unauthorized")
        params, files = await _parameters(request)
        if self.unreachable.get(method):
            self.unreachable[method] -= 1
            return _error(502, "Bad Gateway")
        self.calls.append(Call(method, params, files))
        if self.throttle.get(method):
            self.throttle[method] -= 1
            return JSONResponse(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status_code=429,
            )
        chat_id = params.get("chat_id")
        if chat_id is not None and int(chat_id) in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        result = await self._result(method, params)
        if isinstance(result, dict) and "message_id" in result:
            self.calls[-1].message_id = result["message_id"]
        return JSONResponse({"ok": True, "result": result})

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Passerelle",
                "username": "passerelle_test_bot",
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "getUpdates":
            return await self._poll(params)
        if method in {"sendMessage", "sendDocument"}:
            self._message_id += 1
            return {
                "message_id": self._message_id,
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        return True

    async def _poll(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        deadline = time.monotonic() + min(float(params.get("timeout", 0) or 0), 1.0)
        while True:
            ready = [u for u in self.updates if u["update_id"] >= offset]
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.05)


def _error(code: int, description: str) -> JSONResponse:
    return JSONResponse(
        {"ok": False, "error_code": code, "description": description}, status_code=code
    )


async def _parameters(request: Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        async with request.form() as form:
            for name, value in form.multi_items():
                if isinstance(value, str):
                    params[name] = json.loads(value) if name in JSON_FIELDS else value
                else:
                    files[name] = (value.filename or "", await value.read())
    elif content_type.startswith("application/json"):
        params = await request.json()
    return params, files


@contextlib.asynccontextmanager
async def fake_telegram(token: str) -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(token)
    app = Starlette(routes=[Route("/bot{token}/{method}", fake.handle, methods=["POST", "GET"])])
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
