"""What the running bot is made of, built once: the content, the stores, the engine with its
features, the turn handler, and the directory of channel senders.

The app (app.py), the terminal chat and the command line all build from here, so the content
is loaded once per process and each store exists once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine

from adapters.calendar_feed import booking_file_path
from adapters.clock import SystemClock
from adapters.crypto import AddressCipher
from adapters.db.booking_store import SqlBookingStore
from adapters.db.conversation_store import SqlConversationStore
from adapters.db.database import make_sessions
from adapters.db.inbox_store import SqlInboxStore
from adapters.db.infoweek_store import SqlInfoWeekStore
from adapters.db.privacy_store import SqlKeptData
from adapters.settings import Settings
from adapters.whatsapp_format import CHANNEL as WHATSAPP
from adapters.whatsapp_format import LIST_ROWS
from adapters.whatsapp_window import load_templates, reminder_languages
from bot.booking.confirming import BookingLinks
from bot.booking.offer import CALENDAR
from bot.booking.reminders import reminder_offsets
from bot.content import Content, load_content
from bot.conversation import TurnHandler
from bot.engine.actions import DEFAULT_VALIDATORS
from bot.features import build_engine
from bot.infoweek.context import INFOWEEK
from bot.ports import NluPort, Sender
from bot.privacy.kept import KEPT
from bot.understanding.language import LanguageDetector

# The UIDs of the calendar entries the chat sends (stable: a calendar recognises a moved one).
ICS_DOMAIN = "passerelle.be"
BOOKING_LINKS = BookingLinks(ICS_DOMAIN, booking_file_path)


def load_settings_content(settings: Settings) -> Content:
    return load_content(
        settings.content_dir,
        settings.nlu_dir,
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


def build_infoweek_store(settings: Settings, db: Engine) -> SqlInfoWeekStore:
    return SqlInfoWeekStore(
        make_sessions(db),
        AddressCipher(settings.required_encryption_key),
        offer_hours=settings.event_offer_hours,
        button_limits={WHATSAPP: LIST_ROWS},  # one WhatsApp list; the others take as many
    )


@dataclass(slots=True)
class Components:
    settings: Settings
    db: Engine
    content: Content
    store: SqlConversationStore
    booking_store: SqlBookingStore
    inbox_store: SqlInboxStore
    handler: TurnHandler
    clock: SystemClock = field(default_factory=SystemClock)
    # Channel -> sender, filled once by the channels as they are built (they need the turn
    # handler first), before the app serves; the turn handler, the retry sweeps and the
    # reminders all read this one directory.
    senders: dict[str, Sender] = field(default_factory=dict)
    infoweek_store: SqlInfoWeekStore | None = None


def build_components(settings: Settings, db: Engine, nlu: NluPort) -> Components:
    content = load_settings_content(settings)
    store, booking_store = build_store(settings, db), build_booking_store(settings, db)
    infoweek_store = build_infoweek_store(settings, db)
    senders: dict[str, Sender] = {}
    clock = SystemClock()
    handler = TurnHandler(
        engine=build_engine(content, settings.retention_days, BOOKING_LINKS),
        catalog=content.catalog,
        store=store,
        nlu=nlu,
        detector=LanguageDetector.from_examples(settings.nlu_dir, content.catalog.languages),
        clock=clock,
        secret_key=settings.required_secret_key,
        contexts={
            CALENDAR.name: booking_store,
            INFOWEEK.name: infoweek_store,
            KEPT.name: SqlKeptData(make_sessions(db)),
        },
        senders=senders,
    )
    inbox = SqlInboxStore(
        make_sessions(db),
        AddressCipher(settings.required_encryption_key),
        settings.required_secret_key,
    )
    return Components(
        settings,
        db,
        content,
        store,
        booking_store,
        inbox,
        handler,
        clock,
        senders,
        infoweek_store=infoweek_store,
    )


def build_turn_handler(settings: Settings, db: Engine, nlu: NluPort) -> TurnHandler:
    return build_components(settings, db, nlu).handler
