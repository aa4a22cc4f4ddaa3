"""What staff did that the person's conversation still has to hear of: replies (``out``) and
closes (``closed``) not relayed yet, oldest first, and marking them relayed.

This is the system's side, not a staff member's query, so it spans organisations; each item
names the channel and the contact's pseudonymous key the turn handler resumes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.models import Contact, Handoff, HandoffMessage

# handoff_message.direction -> the staff action the conversation hears of
ACTIONS = {"out": "reply", "closed": "close", "transfer": "transfer"}
RELAYED_DIRECTIONS = tuple(ACTIONS)


@dataclass(frozen=True, slots=True)
class PendingStaffAction:
    message_id: int
    handoff_id: int
    organisation_id: int
    channel: str
    contact_key: str
    action: str  # "reply", "close" or "transfer" (``text``: the organisation's code)
    text: str
    staff_account_id: int | None
    created_at: datetime


class SqlRelayStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def pending(self, limit: int = 50) -> list[PendingStaffAction]:
        with self._sessions() as db:
            rows = db.execute(
                select(HandoffMessage, Handoff.organisation_id, Contact.channel, Contact.key)
                .join(Handoff, Handoff.id == HandoffMessage.handoff_id)
                .join(Contact, Contact.id == Handoff.contact_id)
                .where(
                    HandoffMessage.direction.in_(RELAYED_DIRECTIONS),
                    HandoffMessage.relayed_at.is_(None),
                    Handoff.organisation_id.is_not(None),
                )
                .order_by(HandoffMessage.id)
                .limit(limit)
            ).all()
            return [
                PendingStaffAction(
                    message_id=message.id,
                    handoff_id=message.handoff_id,
                    organisation_id=organisation_id,
                    channel=channel,
                    contact_key=key,
                    action=ACTIONS[message.direction],
                    text=message.text,
                    staff_account_id=message.staff_account_id,
                    created_at=message.created_at,
                )
                for message, organisation_id, channel, key in rows
                if organisation_id is not None  # the query's own filter; for the type
            ]

    def mark_relayed(self, message_id: int, now: datetime) -> bool:
        """Compare-and-set: False when another process relayed it first."""
        with self._sessions.begin() as db:
            done = db.execute(
                update(HandoffMessage)
                .where(HandoffMessage.id == message_id, HandoffMessage.relayed_at.is_(None))
                .values(relayed_at=now)
            )
            return bool(done.rowcount)  # type: ignore[attr-defined]
