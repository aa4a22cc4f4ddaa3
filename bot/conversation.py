"""The turn handler: one resume in, one unit of work, messages out after commit.

Every turn runs here, whatever caused it — a message from the person, a wait that timed out,
a staff member's action, an event of the system — with the same order: one at a time per
contact; skip a message already processed; decide the language and ask the NLU port
(outside any transaction: it can be slow); resume the engine, loading the contexts it asks
for; write the session (checking its version) and all events in ONE transaction; and only
then send. A crash before the commit sends nothing; a crash after it leaves the messages in
the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.delivery import ChannelSenders, Delivery, attempt
from bot.engine.context import ContextConflict, NeedsContext
from bot.engine.events import MsgCreated
from bot.engine.inputs import LanguageDecision, MsgResume, NluResult, Resume
from bot.engine.messages import Inbound, Outbound
from bot.engine.runner import Engine, Sprint
from bot.engine.session import Session
from bot.i18n.catalog import Catalog
from bot.locks import ContactLocks
from bot.ports import (
    Clock,
    ConcurrentTurn,
    ContextProvider,
    ConversationStore,
    DuplicateInbound,
    NluPort,
    NluStillTraining,
    NluUnavailable,
    PendingMessage,
    Sender,
    StoredConversation,
    TurnRecord,
)
from bot.privacy.pseudonym import message_key, pseudonym
from bot.understanding.language import LanguageDetector, choose_language

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A resume other than a message is built when its turn starts, with the turn's clock.
ResumeFactory = Callable[[datetime], Resume]


@dataclass(frozen=True, slots=True)
class TurnOutcome:
    messages: tuple[Outbound, ...]
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class _Work:
    """One turn to run: for whom, why, and where its answers go."""

    channel: str
    key: str
    message_id: str | None
    resume: Callable[[StoredConversation], Awaitable[Resume]]
    reply_address: str | None = None


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
        contexts: Mapping[str, ContextProvider] | None = None,
        senders: ChannelSenders | None = None,
    ) -> None:
        self._engine = engine
        self._catalog = catalog
        self._store = store
        self._nlu = nlu
        self._detector = detector
        self._clock = clock
        self._secret_key = secret_key
        self._contexts = dict(contexts or {})
        missing = sorted(set(engine.registry.contexts) - set(self._contexts))
        if missing:
            owners = ", ".join(f"{name} ({engine.registry.contexts[name]})" for name in missing)
            raise ValueError(f"no context provider for: {owners}")
        # The very directory the channels fill in after the handler is built: not a copy.
        self._senders = senders if senders is not None else {}
        self.locks = ContactLocks()

    def contact_key(self, channel: str, user_id: str) -> str:
        return pseudonym(self._secret_key, channel, user_id)

    async def handle(self, inbound: Inbound, sender: Sender) -> TurnOutcome:
        """A message from the person, answered through ``sender`` (their channel's)."""
        key = self.contact_key(inbound.channel, inbound.user_id)
        # Only a keyed hash of the platform's message id is stored (bot/privacy/pseudonym.py).
        message_id = (
            message_key(self._secret_key, inbound.channel, inbound.message_id)
            if inbound.message_id is not None
            else None
        )

        async def resume(stored: StoredConversation) -> Resume:
            return await self._resume_for(inbound, stored)

        work = _Work(inbound.channel, key, message_id, resume, inbound.reply_address)
        return await self._run(work, sender, inbound.reply_address or inbound.user_id)

    async def resume_contact(
        self, channel: str, contact_key: str, make: ResumeFactory
    ) -> TurnOutcome:
        """A turn no message caused (a timer, a staff action, a system event), for a contact
        who already has a conversation; answered through the channel's sender, if it has
        one (else the messages wait in the outbox)."""

        async def resume(_stored: StoredConversation) -> Resume:
            return make(self._clock.now())

        work = _Work(channel, contact_key, None, resume)
        return await self._run(work, self._senders.get(channel), None)

    async def _run(self, work: _Work, sender: Sender | None, address: str | None) -> TurnOutcome:
        async with self.locks.hold(work.key):
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    pending, stored_address = await self._run_turn(work)
                except DuplicateInbound:
                    log.info("duplicate message skipped", extra={"contact": work.key[:12]})
                    return TurnOutcome((), duplicate=True)
                except ConcurrentTurn:
                    if attempt == MAX_ATTEMPTS:
                        raise
                    continue
                target = address or stored_address
                if target is not None:
                    await self._deliver(work.channel, work.key, target, pending, sender)
                return TurnOutcome(tuple(item.message for item in pending))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _run_turn(self, work: _Work) -> tuple[list[PendingMessage], str | None]:
        stored = await self._store.load(work.channel, work.key, work.message_id)
        if stored.already_processed:
            raise DuplicateInbound(work.message_id or "")
        resume = await work.resume(stored)
        if stored.session is None and not isinstance(resume, MsgResume):
            return [], None  # nobody to resume: the contact was forgotten meanwhile
        session = stored.session or self._engine.new_session(_language(resume))
        loaded: dict[str, object] = {}
        for _attempt in range(MAX_ATTEMPTS + len(self._contexts)):
            try:
                sprint = self._run_engine(session, resume, loaded)
            except NeedsContext as need:
                loaded[need.name] = await self._load(need.name, work, resume.now, loaded)
                continue
            record = TurnRecord(
                channel=work.channel,
                contact_key=work.key,
                message_id=work.message_id,
                expected_version=stored.version,
                session=sprint.session,
                events=sprint.events,
                now=resume.now,
                reply_address=work.reply_address,
                cause=resume.CAUSE,
            )
            try:
                return await self._store.commit_turn(record), stored.address
            except ContextConflict as conflict:
                # The world changed since the context was read (a slot taken): the same
                # turn, knowing it, answers with what is true now.
                loaded[conflict.context] = conflict.amend(loaded[conflict.context])
        raise ConcurrentTurn("the turn could not settle")

    async def _load(
        self, name: str, work: _Work, now: datetime, loaded: Mapping[str, object]
    ) -> object:
        if name in loaded or name not in self._contexts:
            raise AssertionError(f"the engine asked for context {name!r} it had or cannot get")
        return await self._contexts[name].load(work.channel, work.key, now)

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

    def _run_engine(
        self, session: Session, resume: Resume, loaded: Mapping[str, object]
    ) -> Sprint:
        try:
            return self._engine.resume(session, resume, loaded)
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
        sender: Sender | None,
    ) -> None:
        """Send one message at a time so that a failure half-way marks exactly what arrived;
        the rest stays in the outbox, for the retry sweep when it is retryable."""
        sent: list[int] = []
        for item in pending:
            outcome = await attempt(sender, address, item.message)
            result = outcome.result
            if result == Delivery.UNREACHABLE:
                await self._store.mark_unreachable(channel, key, self._clock.now())
            if result == Delivery.PERMANENT and sender is not None and item.outbox_id:
                # Classified once, set aside; the person's next message may still go. (With
                # no sender, as for the web chat's staff replies, the message stays waiting.)
                await self._store.set_aside(item.outbox_id, outcome.reason, self._clock.now())
                continue
            if result != Delivery.DELIVERED:
                break
            if item.outbox_id is not None:
                sent.append(item.outbox_id)
        if sent:
            await self._store.mark_sent(sent, self._clock.now())


def _language(resume: Resume) -> LanguageDecision:
    assert isinstance(resume, MsgResume), "only a message starts a conversation"
    return resume.language
