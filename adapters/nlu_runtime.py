"""The NLU's part in the running app's health: ``/healthz`` (alive: the bot answers buttons
and commands whenever its database does, whatever the NLU is doing) and ``/readyz`` (ready:
typed messages are understood too). Both say what the NLU is doing, with training progress."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio.to_thread
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.db.database import ping
from adapters.local_nlu import LocalNlu, RemoteNlu

Endpoint = Callable[[Request], Awaitable[Response]]


async def _health(db: Engine, nlu: LocalNlu | RemoteNlu) -> tuple[bool, bool, dict[str, object]]:
    database = await anyio.to_thread.run_sync(ping, db)
    understanding = await nlu.health()
    body: dict[str, object] = {
        "database": "ok" if database else "down",
        "nlu": understanding.state,
    }
    if understanding.training is not None:
        body["training"] = understanding.training
    return database, understanding.ready, body


def health_endpoints(db: Engine, nlu: LocalNlu | RemoteNlu) -> tuple[Endpoint, Endpoint]:
    async def healthz(_request: Request) -> Response:
        database, _ready, body = await _health(db, nlu)
        return JSONResponse(body, status_code=200 if database else 503)

    async def readyz(_request: Request) -> Response:
        database, ready, body = await _health(db, nlu)
        return JSONResponse(body, status_code=200 if database and ready else 503)

    return healthz, readyz
