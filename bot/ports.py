"""The Protocols the core needs from the outside world; adapters implement them.

Each port has a small closed set of exceptions: adapters translate library errors into these
where they enter, so the core never sees an httpx or SQLAlchemy exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.engine.events import Event
from bot.engine.inputs import NluResult
from bot.engine.messages import Outbound
from bot.engine.session import Session


class NluUnavailable(Exception):
    """The NLU service cannot answer now (down, starting, timing out); buttons still work."""


class NluStillTraining(NluUnavailable):
    """The first model is still being trained: typed messages work in ``minutes``."""

    def __init__(self, minutes: int) -> None:
        super().__init__(f"the NLU model is training, about {minutes} min left")
        self.minutes = minutes


class DuplicateInbound(Exception):
    """This platform message id was already processed for this channel."""


class ConcurrentTurn(Exception):
    """Another process changed the session during this turn; the turn can be retried."""


class StorageUnavailable(Exception):
    """The database cannot be reached; nothing of the turn was stored."""


class SendFailed(Exception):
    """A channel could not deliver; ``retryable`` says whether trying later can help."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.retryable = retryable


class RecipientUnreachable(SendFailed):
    """The channel refuses delivery to this person for good (they blocked the bot)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, retryable=False)


class NluPort(Protocol):
    async def parse(self, text: str) -> NluResult:
        """Intent and entities of ``text``; raises NluUnavailable."""
        ...


@dataclass(frozen=True, slots=True)
class StoredConversation:
    """What the store knows of a contact before a turn; ``session`` is None for a new one."""

    session: Session | None
    version: int
    already_processed: bool = False
    # Where the channel reaches the contact, for turns no message of theirs caused.
    address: str | None = None


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """Everything one turn writes, in one transaction."""

    channel: str
    contact_key: str
    message_id: str | None
    expected_version: int
    session: Session
    events: tuple[Event, ...]
    now: datetime
    reply_address: str | None = None
    # What caused the turn (``msg``, ``wait_timeout``, ``staff_action``, ``system_event``):
    # only a message from the person says they are active and reachable again.
    cause: str = "msg"


@dataclass(frozen=True, slots=True)
class PendingMessage:
    """An outgoing message written in the turn's transaction and not yet sent."""

    outbox_id: int | None
    message: Outbound


class ConversationStore(Protocol):
    async def load(
        self, channel: str, contact_key: str, message_id: str | None
    ) -> StoredConversation:
        """Raises StorageUnavailable."""
        ...

    async def commit_turn(self, record: TurnRecord) -> list[PendingMessage]:
        """Apply the events atomically; raises DuplicateInbound, ConcurrentTurn,
        StorageUnavailable."""
        ...

    async def mark_sent(self, outbox_ids: Sequence[int], at: datetime) -> None: ...

    async def mark_unreachable(self, channel: str, contact_key: str, at: datetime) -> None:
        """The person cannot be reached on this channel until they write again."""
        ...

    async def set_aside(self, outbox_id: int, reason: str, at: datetime) -> None:
        """A dead letter: this message can never go; it is not tried again."""
        ...


@dataclass(frozen=True, slots=True)
class Undelivered:
    """A message written in a turn whose delivery failed, with where it must go."""

    outbox_id: int
    contact_key: str
    address: str
    message: Outbound


class OutboxStore(Protocol):
    async def undelivered(
        self, channel: str, created_after: datetime, created_before: datetime, limit: int
    ) -> list[Undelivered]:
        """Unsent messages of reachable contacts, oldest first."""
        ...

    async def mark_sent(self, outbox_ids: Sequence[int], at: datetime) -> None: ...

    async def mark_unreachable(self, channel: str, contact_key: str, at: datetime) -> None: ...

    async def set_aside(self, outbox_id: int, reason: str, at: datetime) -> None:
        """A dead letter: this message can never go; it is not tried again."""
        ...


class Sender(Protocol):
    async def send(self, address: str, messages: Sequence[Outbound]) -> None:
        """Deliver in order; raises SendFailed."""
        ...


class ContextProvider(Protocol):
    async def load(self, channel: str, contact_key: str, now: datetime) -> object:
        """The named context a feature asked for (bot/engine/context.py), for this contact
        and this turn; raises StorageUnavailable."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...
