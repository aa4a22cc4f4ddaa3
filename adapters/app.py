"""The composition root: builds the core and its adapters into one ASGI application.

What the bot is made of is built once (composition.py), the channels on top of it
(channels.py), the NLU and health check (nlu_runtime.py) and the periodic jobs
(background.py); this module puts them behind routes and a lifespan.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field

import anyio.to_thread
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from adapters import webchat
from adapters.background import periodic_jobs, start_jobs
from adapters.calendar_feed import StaffCalendarFeed
from adapters.channels import Channels, build_channels
from adapters.composition import (
    ICS_DOMAIN,
    Components,
    build_booking_store,
    build_components,
    build_store,
    build_turn_handler,
    load_settings_content,
)
from adapters.db.database import make_engine, make_sessions, prepare_schema
from adapters.db.webchat_pull import SqlWebchatPull
from adapters.event_calendar import EventCalendarFiles
from adapters.local_nlu import LocalNlu, RemoteNlu, build_nlu
from adapters.metrics import Metrics
from adapters.nlu_runtime import health_endpoints
from adapters.settings import Settings
from adapters.staff.routes import staff_routes
from adapters.telegram import TelegramChannel
from adapters.whatsapp import WhatsAppChannel

__all__ = [
    "Runtime",
    "build_booking_store",
    "build_store",
    "build_turn_handler",
    "create_app",
    "load_settings_content",
]


@dataclass(slots=True)
class Runtime:
    """What the running app holds on to; set up in the lifespan."""

    settings: Settings
    db: Engine
    metrics: Metrics = field(default_factory=Metrics)
    nlu: LocalNlu | RemoteNlu | None = None
    telegram: TelegramChannel | None = None
    whatsapp: WhatsAppChannel | None = None
    background: set[asyncio.Task[None]] = field(default_factory=set)


def create_app(settings: Settings) -> Starlette:
    """The ASGI app. Serves at once: buttons work while the NLU starts or trains its model;
    ``/healthz`` is 200 while the database answers, ``/readyz`` only when typing works too."""
    runtime = Runtime(settings=settings, db=make_engine(settings.effective_database_url))
    runtime.nlu = nlu = build_nlu(settings)
    parts = build_components(settings, runtime.db, nlu)
    channels = build_channels(parts)
    runtime.telegram, runtime.whatsapp = channels.telegram, channels.whatsapp
    app = Starlette(
        routes=_routes(parts, channels, runtime, nlu),
        lifespan=_lifespan(parts, channels, runtime, nlu),
    )
    app.state.runtime = runtime
    return app


def _routes(
    parts: Components, channels: Channels, runtime: Runtime, nlu: LocalNlu | RemoteNlu
) -> list[BaseRoute]:
    catalog = parts.content.catalog
    endpoint = webchat.WebchatEndpoint(
        parts.handler, catalog.codes, parts.settings.webchat_rate_per_minute, runtime.metrics
    )
    pull = webchat.WebchatPullEndpoint(
        parts.handler,
        SqlWebchatPull(make_sessions(runtime.db)),
        parts.clock,
        parts.settings.webchat_rate_per_minute,
    )
    feed = StaffCalendarFeed(
        parts.booking_store,
        parts.clock,
        parts.settings.public_base_url,
        parts.settings.required_secret_key,
        catalog,
    )

    async def home(_request: Request) -> Response:
        return RedirectResponse("/chat")

    healthz, readyz = health_endpoints(runtime.db, nlu)
    return [
        Route("/", home),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", runtime.metrics.endpoint),
        *webchat.routes(endpoint, pull),
        *(channels.telegram.routes() if channels.telegram else []),
        *(channels.whatsapp.routes() if channels.whatsapp else []),
        *feed.routes(),
        *_event_files(parts),
        *staff_routes(parts.settings, runtime.db),
    ]


def _event_files(parts: Components) -> list[BaseRoute]:
    if parts.infoweek_store is None:
        return []
    files = EventCalendarFiles(
        parts.infoweek_store,
        parts.clock,
        parts.settings.public_base_url,
        parts.settings.required_secret_key,
        parts.content.catalog,
        ICS_DOMAIN,
    )
    return files.routes()


def _lifespan(
    parts: Components, channels: Channels, runtime: Runtime, nlu: LocalNlu | RemoteNlu
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        settings = parts.settings
        await anyio.to_thread.run_sync(
            prepare_schema, settings.effective_database_url, settings.migrate_at_start
        )
        try:
            await nlu.start()
            if channels.telegram is not None:
                await channels.telegram.start_or_keep_trying(runtime.background)
            start_jobs(periodic_jobs(parts, channels), runtime.background)
            yield
        finally:
            for task in runtime.background:
                task.cancel()
            # A job cancelled inside a database call finishes that call first: wait, so no
            # connection is still out when the pool is disposed.
            await asyncio.gather(*runtime.background, return_exceptions=True)
            await channels.stop()
            await nlu.stop()
            runtime.db.dispose()

    return lifespan
