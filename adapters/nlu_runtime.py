"""The NLU of the running app: Rasa at ``RASA_URL``, or a local Rasa server the app starts
and stops; and ``/healthz``, which says 503 until the database and the NLU are ready."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import anyio.to_thread
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.db.database import ping
from adapters.rasa import RasaNlu
from adapters.rasa_process import RasaServer, RasaSetupError, model_path
from adapters.settings import Settings

log = logging.getLogger(__name__)


class AppNlu:
    """The NLU client, created before the routes; it points at RASA_URL or at the local
    server ``start`` launches."""

    def __init__(self, settings: Settings) -> None:
        self.rasa = None if settings.rasa_url else _local_rasa(settings)
        rasa = self.rasa
        self.client = RasaNlu(
            settings.rasa_url or (rasa.url if rasa else ""),
            settings.rasa_token if settings.rasa_url else (rasa.token if rasa else None),
        )

    async def start(self, background: set[asyncio.Task[None]]) -> None:
        if self.rasa is not None:
            await self.rasa.start()
            background.add(asyncio.create_task(_announce_ready(self.rasa)))

    async def stop(self) -> None:
        if self.rasa is not None:
            await self.rasa.stop()
        await self.client.aclose()


def healthz_endpoint(db: Engine, nlu: AppNlu) -> Callable[[Request], Awaitable[Response]]:
    async def healthz(_request: Request) -> Response:
        database = await anyio.to_thread.run_sync(ping, db)
        ready = await nlu.client.ready()
        body = {"database": "ok" if database else "down", "nlu": "ok" if ready else "starting"}
        return JSONResponse(body, status_code=200 if database and ready else 503)

    return healthz


def _local_rasa(settings: Settings) -> RasaServer:
    model = model_path(settings.models_dir, settings.nlu_dir)
    return RasaServer(settings.rasa_venv, model, settings.var_dir / "log" / "rasa.log")


async def _announce_ready(rasa: RasaServer) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        try:
            seconds = await rasa.wait_ready(lambda line: log.info("%s", line))
        except RasaSetupError as problem:
            log.error("%s; typed messages get the button-only answer meanwhile", problem)
            return
        log.info("NLU ready: Rasa answered after %.1f s", seconds)
