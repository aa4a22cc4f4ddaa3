"""The turn handler: one inbound message in, one unit of work, messages out after commit.

Order matters and is the same for every channel: skip a message already processed, decide
the language, ask the NLU port (outside any transaction: it can be slow), resume the engine,
write the session and all events in ONE transaction, and only then send. A crash before the
commit sends nothing; a crash after it leaves the messages in the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

from bot.booking.model import NeedsCalendar, SlotTaken
from bot.booking.offer import BookingCalendar
from bot.engine.events import MsgCreated
from bot.engine.inputs import LanguageDecision, MsgResume, NluResult
from bot.engine.messages import Inbound, Outbound
from bot.engine.runner import Engine, Sprint
from bot.engine.session import Session
from bot.i18n.catalog import Catalog
from bot.ports import (
    BookingPort,
    Clock,
    ConcurrentTurn,
    ConversationStore,
    DuplicateInbound,
    NluPort,
    NluStillTraining,
    NluUnavailable,
    PendingMessage,
    RecipientUnreachable,
    Sender,
    SendFailed,
    StoredConversation,
    TurnRecord,
)
from bot.privacy.pseudonym import pseudonym
from bot.understanding.language import LanguageDetector, choose_language

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class TurnOutcome:
    messages: tuple[Outbound, ...]
    duplicate: bool = False


class ContactLocks:
    """One asyncio lock per contact so that one person's messages are handled in order,
    while different people are handled concurrently."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class TurnHandler:
    def __init__(
        self,
        *,
        engine: Engine,
        catalog: Catalog,
        store: ConversationStore,
        nlu: NluPort,
        detector: LanguageDetector,
        clock: Clock,
        secret_key: str,
        booking: BookingPort | None = None,
    ) -> None:
        self._engine = engine
        self._catalog = catalog
        self._store = store
        self._nlu = nlu
        self._detector = detector
        self._clock = clock
        self._secret_key = secret_key
        self._booking = booking
        self.locks = ContactLocks()

    def contact_key(self, channel: str, user_id: str) -> str:
        return pseudonym(self._secret_key, channel, user_id)

    async def handle(self, inbound: Inbound, sender: Sender) -> TurnOutcome:
        key = self.contact_key(inbound.channel, inbound.user_id)
        async with self.locks.hold(key):
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    pending = await self._run_turn(inbound, key)
                except DuplicateInbound:
                    log.info("duplicate message skipped", extra={"contact": key[:12]})
                    return TurnOutcome((), duplicate=True)
                except ConcurrentTurn:
                    if attempt == MAX_ATTEMPTS:
                        raise
                    continue
                address = inbound.reply_address or inbound.user_id
                await self._deliver(inbound.channel, key, address, pending, sender)
                return TurnOutcome(tuple(item.message for item in pending))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _run_turn(self, inbound: Inbound, key: str) -> list[PendingMessage]:
        stored = await self._store.load(inbound.channel, key, inbound.message_id)
        if stored.already_processed:
            raise DuplicateInbound(inbound.message_id or "")
        resume = await self._resume_for(inbound, stored)
        session = stored.session or self._engine.new_session(resume.language)
        for _attempt in range(MAX_ATTEMPTS):
            try:
                sprint = self._run_engine(session, resume)
            except NeedsCalendar:
                resume = replace(
                    resume, booking=await self._calendar(inbound.channel, key, resume)
                )
                continue
            record = TurnRecord(
                channel=inbound.channel,
                contact_key=key,
                message_id=inbound.message_id,
                expected_version=stored.version,
                session=sprint.session,
                events=sprint.events,
                now=resume.now,
                reply_address=inbound.reply_address,
            )
            try:
                return await self._store.commit_turn(record)
            except SlotTaken as taken:
                # Someone else got the slot first: the same turn, knowing it, offers others.
                assert resume.booking is not None
                calendar = resume.booking.with_taken(taken.staff_id, taken.starts_at)
                resume = replace(resume, booking=calendar)
        raise ConcurrentTurn("the turn could not settle")

    async def _calendar(self, channel: str, key: str, resume: MsgResume) -> BookingCalendar:
        if self._booking is None:
            raise NeedsCalendar("no booking port configured")
        return await self._booking.context(channel, key, resume.now)

    async def _resume_for(self, inbound: Inbound, stored: StoredConversation) -> MsgResume:
        current = (
            LanguageDecision(stored.session.language, stored.session.language_source)
            if stored.session
            else None
        )
        free_text = inbound.text if inbound.text and not inbound.text.startswith("/") else None
        detected = self._detector.detect(free_text) if free_text else None
        language = choose_language(
            current,
            explicit=inbound.lang,
            hint=inbound.lang_hint,
            detected=detected,
            supported=self._catalog.codes,
            default=self._catalog.default_language,
        )
        nlu: NluResult | None = None
        unavailable = False
        ready_in: int | None = None
        if free_text is not None:
            try:
                nlu = await self._nlu.parse(free_text)
            except NluStillTraining as training:
                unavailable, ready_in = True, training.minutes
            except NluUnavailable:
                unavailable = True
        return MsgResume(
            now=self._clock.now(),
            language=language,
            text=inbound.text,
            payload=inbound.payload,
            nlu=nlu,
            nlu_unavailable=unavailable,
            nlu_ready_in_minutes=ready_in,
        )

    def _run_engine(self, session: Session, resume: MsgResume) -> Sprint:
        try:
            return self._engine.resume(session, resume)
        except NeedsCalendar:
            if resume.booking is not None:
                raise AssertionError("the engine asked again for the calendar it had") from None
            raise
        except (KeyError, ValueError, TypeError):
            # A content problem (a text key or placeholder missing in spite of validation)
            # fails this turn with a kind message; the service keeps running.
            log.exception("engine failed on this turn; the person gets an apology")
            text = self._catalog.text(session.language, "error.generic")
            return Sprint(session, (MsgCreated(Outbound(text, session.language)),))

    async def _deliver(
        self,
        channel: str,
        key: str,
        address: str,
        pending: list[PendingMessage],
        sender: Sender,
    ) -> None:
        """Send one message at a time so that a failure half-way marks exactly what arrived."""
        sent: list[int] = []
        try:
            for item in pending:
                await sender.send(address, [item.message])
                if item.outbox_id is not None:
                    sent.append(item.outbox_id)
        except RecipientUnreachable as failure:
            log.info("contact unreachable on %s: %s", channel, failure)
            await self._store.mark_unreachable(channel, key, self._clock.now())
        except SendFailed as failure:
            # The rest stays in the outbox, unsent; the retry sweep picks up retryable ones.
            log.warning("sending failed: %s (retryable=%s)", failure, failure.retryable)
        if sent:
            await self._store.mark_sent(sent, self._clock.now())
