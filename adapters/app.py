"""The composition root: builds the core and its adapters into one ASGI application."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import anyio.to_thread
import httpx
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from adapters import webchat
from adapters.calendar_feed import StaffCalendarFeed
from adapters.clock import SystemClock
from adapters.crypto import AddressCipher
from adapters.db.booking_store import SqlBookingStore
from adapters.db.conversation_store import SqlConversationStore
from adapters.db.database import make_engine, make_sessions, migrate, ping
from adapters.db.inbox_store import SqlInboxStore
from adapters.maintenance import (
    REMINDERS_EVERY_SECONDS,
    RETENTION_EVERY_SECONDS,
    RETRY_EVERY_SECONDS,
    every,
    retention_job,
    retry_job,
)
from adapters.metrics import Metrics
from adapters.rasa import RasaNlu
from adapters.rasa_process import RasaServer, RasaSetupError, model_path
from adapters.settings import ConfigurationError, Settings
from adapters.staff.routes import staff_routes
from adapters.telegram import TelegramChannel
from adapters.telegram_format import CHANNEL as TELEGRAM
from adapters.whatsapp import WhatsAppChannel, WhatsAppSender
from adapters.whatsapp_format import CHANNEL as WHATSAPP
from adapters.whatsapp_window import load_templates, reminder_languages
from bot.booking.reminders import ReminderSweeper, reminder_offsets
from bot.conversation import TurnHandler
from bot.engine.actions import DEFAULT_VALIDATORS
from bot.engine.runner import ACTION_NAMES
from bot.engine.runner import Engine as ConversationEngine
from bot.flows.content import Content, load_content
from bot.i18n.catalog import Catalog
from bot.ports import NluPort, Sender
from bot.understanding.language import LanguageDetector

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Runtime:
    """What the running app holds on to; set up in the lifespan."""

    settings: Settings
    db: Engine
    metrics: Metrics = field(default_factory=Metrics)
    nlu: RasaNlu | None = None
    rasa: RasaServer | None = None
    telegram: TelegramChannel | None = None
    whatsapp: WhatsAppChannel | None = None
    background: set[asyncio.Task[None]] = field(default_factory=set)


def load_settings_content(settings: Settings) -> Content:
    return load_content(
        settings.content_dir,
        settings.nlu_dir,
        actions=ACTION_NAMES,
        validators=DEFAULT_VALIDATORS.keys(),
        default_language=settings.default_language,
    )


def build_store(settings: Settings, db: Engine) -> SqlConversationStore:
    return SqlConversationStore(
        make_sessions(db),
        AddressCipher(settings.required_encryption_key),
        reminder_offsets(settings.reminder_hours_list),
    )


def build_booking_store(settings: Settings, db: Engine) -> SqlBookingStore:
    templates = load_templates(settings.content_dir / "whatsapp_templates.yml")
    return SqlBookingStore(
        make_sessions(db),
        AddressCipher(settings.required_encryption_key),
        lead_time=timedelta(hours=settings.booking_lead_hours),
        horizon_days=settings.booking_horizon_days,
        reminder_languages=reminder_languages(templates),
    )


def build_turn_handler(settings: Settings, db: Engine, nlu: NluPort) -> TurnHandler:
    content = load_settings_content(settings)
    catalog = content.catalog
    detector = LanguageDetector.from_examples(settings.nlu_dir, catalog.languages)
    return TurnHandler(
        engine=ConversationEngine(
            catalog, content.flows, settings.retention_days, schemes=content.schemes
        ),
        catalog=catalog,
        store=build_store(settings, db),
        nlu=nlu,
        detector=detector,
        clock=SystemClock(),
        secret_key=settings.required_secret_key,
        booking=build_booking_store(settings, db),
    )


def create_app(settings: Settings) -> Starlette:
    """The ASGI app. Serves at once; ``/healthz`` says 503 until database and NLU are ready."""
    runtime = Runtime(settings=settings, db=make_engine(settings.effective_database_url))
    catalog = load_settings_content(settings).catalog
    # The NLU client is created now so the routes can be built; it points at RASA_URL or at
    # the local server the lifespan starts.
    rasa = None if settings.rasa_url else _local_rasa(settings)
    runtime.rasa = rasa
    runtime.nlu = RasaNlu(
        settings.rasa_url or (rasa.url if rasa else ""),
        settings.rasa_token if settings.rasa_url else (rasa.token if rasa else None),
    )
    handler = build_turn_handler(settings, runtime.db, runtime.nlu)
    endpoint = webchat.WebchatEndpoint(
        handler, catalog.codes, settings.webchat_rate_per_minute, runtime.metrics
    )
    store, clock = build_store(settings, runtime.db), SystemClock()
    telegram = (
        TelegramChannel(
            token=settings.telegram_token,
            handler=handler,
            catalog=catalog,
            api_base_url=settings.telegram_api_base_url,
            webhook_url=settings.telegram_webhook_url,
            webhook_secret=settings.telegram_webhook_secret,
        )
        if settings.telegram_token
        else None
    )
    runtime.telegram = telegram
    feed = StaffCalendarFeed(
        build_booking_store(settings, runtime.db),
        clock,
        settings.public_base_url,
        settings.required_secret_key,
        catalog,
    )
    whatsapp = _whatsapp(settings, runtime, handler, catalog) if settings.whatsapp_token else None
    runtime.whatsapp = whatsapp[0] if whatsapp else None

    async def healthz(_request: Request) -> Response:
        database = await anyio.to_thread.run_sync(ping, runtime.db)
        nlu = await runtime.nlu.ready() if runtime.nlu else False
        body = {"database": "ok" if database else "down", "nlu": "ok" if nlu else "starting"}
        return JSONResponse(body, status_code=200 if database and nlu else 503)

    async def home(_request: Request) -> Response:
        return RedirectResponse("/chat")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(migrate, settings.effective_database_url)
        try:
            if runtime.rasa is not None:
                await runtime.rasa.start()
                runtime.background.add(asyncio.create_task(_announce_ready(runtime.rasa)))
            retention = retention_job(store, clock, settings.retention_days)
            jobs = [(RETENTION_EVERY_SECONDS, retention, "retention")]
            senders: dict[str, Sender] = {}
            if telegram is not None:
                await telegram.start_or_keep_trying(runtime.background)
                retry = retry_job(store, clock, TELEGRAM, telegram.sender)
                jobs.append((RETRY_EVERY_SECONDS, retry, "telegram retry"))
                senders[TELEGRAM] = telegram.sender
            if whatsapp is not None:
                channel = whatsapp[0]
                jobs.append((RETRY_EVERY_SECONDS, channel.drain, "whatsapp inbox"))
                retry = retry_job(store, clock, WHATSAPP, channel.sender)
                jobs.append((RETRY_EVERY_SECONDS, retry, "whatsapp retry"))
                senders[WHATSAPP] = channel.sender
            reminders = ReminderSweeper(
                build_booking_store(settings, runtime.db), senders, catalog, clock
            )
            jobs.append((REMINDERS_EVERY_SECONDS, reminders.run_once, "reminders"))
            for seconds, job, name in jobs:
                runtime.background.add(asyncio.create_task(every(seconds, job, name)))
            yield
        finally:
            for task in runtime.background:
                task.cancel()
            if telegram is not None:
                await telegram.stop()
            if whatsapp is not None:
                await whatsapp[0].stop()
                await whatsapp[1].aclose()
            if runtime.rasa is not None:
                await runtime.rasa.stop()
            if runtime.nlu is not None:
                await runtime.nlu.aclose()
            runtime.db.dispose()

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/metrics", runtime.metrics.endpoint),
            *webchat.routes(endpoint),
            *(telegram.routes() if telegram else []),
            *(whatsapp[0].routes() if whatsapp else []),
            *feed.routes(),
            *staff_routes(settings, runtime.db),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app


def _whatsapp(
    settings: Settings, runtime: Runtime, handler: TurnHandler, catalog: Catalog
) -> tuple[WhatsAppChannel, httpx.AsyncClient]:
    token, phone_number_id = settings.whatsapp_token, settings.whatsapp_phone_number_id
    app_secret, verify_token = settings.whatsapp_app_secret, settings.whatsapp_verify_token
    if not (token and phone_number_id and app_secret and verify_token):
        raise ConfigurationError("WHATSAPP_*: token, phone number id, app secret, verify token")
    client = httpx.AsyncClient(
        base_url=settings.whatsapp_api_base_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=httpx.Timeout(15.0, connect=5.0),
    )
    inbox = SqlInboxStore(
        make_sessions(runtime.db), AddressCipher(settings.required_encryption_key)
    )
    clock = SystemClock()

    async def last_message_at(address: str) -> datetime | None:
        return await inbox.last_message_at(WHATSAPP, handler.contact_key(WHATSAPP, address))

    sender = WhatsAppSender(
        client=client,
        phone_number_id=phone_number_id,
        catalog=catalog,
        templates=load_templates(settings.content_dir / "whatsapp_templates.yml"),
        last_message_at=last_message_at,
        clock=clock,
        public_base_url=settings.public_base_url,
        secret_key=settings.required_secret_key,
    )
    channel = WhatsAppChannel(
        handler=handler,
        inbox=inbox,
        sender=sender,
        clock=clock,
        app_secret=app_secret,
        verify_token=verify_token,
    )
    return channel, client


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
