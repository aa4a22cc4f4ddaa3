"""Builders for the real core objects from the real content in flows/ and nlu_data/."""

from __future__ import annotations

import random
from functools import cache

from sqlalchemy import Engine

from adapters.composition import BOOKING_LINKS
from adapters.crypto import AddressCipher
from adapters.db.booking_store import SqlBookingStore
from adapters.db.conversation_store import SqlConversationStore
from adapters.db.database import make_sessions
from adapters.db.demo import load_demo, load_info_week
from adapters.db.infoweek_store import SqlInfoWeekStore
from adapters.db.privacy_store import SqlKeptData
from adapters.settings import PROJECT_DIR
from adapters.whatsapp_window import Template, load_templates, reminder_languages
from bot.booking.model import REFERENCE_ALPHABET, REFERENCE_LENGTH
from bot.booking.offer import CALENDAR
from bot.content import Content, load_content
from bot.conversation import TurnHandler
from bot.engine.actions import DEFAULT_VALIDATORS
from bot.engine.registry import FeatureFactory
from bot.engine.runner import Engine as ConversationEngine
from bot.features import build_engine
from bot.i18n.catalog import Catalog
from bot.infoweek.context import INFOWEEK
from bot.ports import ContextProvider, Sender
from bot.privacy.kept import KEPT
from bot.understanding.language import LanguageDetector
from tests.support.stubs import ScriptedNlu, StepClock

CONTENT_DIR = PROJECT_DIR / "flows"
NLU_DIR = PROJECT_DIR / "nlu_data"
TEST_SECRET = "test-secret-key-0123456789abcdef0123456789"
TEST_ENCRYPTION_KEY = "A" * 43 + "="


def booking_store(db: Engine, seed: int = 7) -> SqlBookingStore:
    """Booking codes drawn from a seeded generator, so transcripts are reproducible."""
    draw = random.Random(seed)  # noqa: S311 - reproducible test codes, not secrets

    def code() -> str:
        return "".join(draw.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))

    return SqlBookingStore(
        make_sessions(db),
        AddressCipher(TEST_ENCRYPTION_KEY),
        codes=code,
        reminder_languages=reminder_languages(whatsapp_templates()),
    )


@cache
def infoweek_store(db: Engine, seed: int = 11) -> SqlInfoWeekStore:
    """Sign-up codes drawn from a seeded generator, so transcripts are reproducible."""
    draw = random.Random(seed)  # noqa: S311 - reproducible test codes, not secrets

    def code() -> str:
        return "".join(draw.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))

    return SqlInfoWeekStore(make_sessions(db), AddressCipher(TEST_ENCRYPTION_KEY), codes=code)


def load_demo_week(db: Engine) -> None:
    load_info_week(infoweek_store(db), CONTENT_DIR / "demo" / "info_week.yml")


@cache
def whatsapp_templates() -> dict[str, Template]:
    return load_templates(CONTENT_DIR / "whatsapp_templates.yml")


def load_demo_data(db: Engine) -> None:
    load_demo(make_sessions(db), CONTENT_DIR / "demo" / "appointments.yml")


def store(db: Engine) -> SqlConversationStore:
    return SqlConversationStore(make_sessions(db), AddressCipher(TEST_ENCRYPTION_KEY))


@cache
def content() -> Content:
    return load_content(CONTENT_DIR, NLU_DIR, validators=DEFAULT_VALIDATORS.keys())


def catalog() -> Catalog:
    return content().catalog


@cache
def detector() -> LanguageDetector:
    return LanguageDetector.from_examples(NLU_DIR, catalog().languages)


def engine(*extra: FeatureFactory) -> ConversationEngine:
    """The production engine: every standard feature (and ``extra`` test features)."""
    return build_engine(content(), 180, BOOKING_LINKS, *extra)


def turn_handler(
    db: Engine,
    nlu: ScriptedNlu | None = None,
    clock: StepClock | None = None,
    *,
    calendar: ContextProvider | None = None,
    bot: ConversationEngine | None = None,
    senders: dict[str, Sender] | None = None,
    events: ContextProvider | None = None,
) -> TurnHandler:
    return TurnHandler(
        engine=bot or engine(),
        catalog=catalog(),
        store=store(db),
        nlu=nlu or ScriptedNlu(),
        detector=detector(),
        clock=clock or StepClock(),
        secret_key=TEST_SECRET,
        contexts={
            CALENDAR.name: calendar or booking_store(db),
            INFOWEEK.name: events or infoweek_store(db),
            KEPT.name: SqlKeptData(make_sessions(db)),
        },
        senders=senders,
    )
