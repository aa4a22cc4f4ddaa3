"""Writes of the person's side of a handoff, inside the caller's transaction (they never
commit): the turn that hands a conversation over opens the handoff, later turns add what the
person writes. The staff console reads these rows; see docs/staff-console.md."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from adapters.db.models import Contact, Handoff, HandoffMessage, Organisation
from bot.engine.events import FeatureEvent
from bot.handoff.events import (
    HandoffMarkedUrgent,
    HandoffRouted,
    StaffActionApplied,
    TransferAnswered,
)

# No 0/O, 1/I/L: read aloud on the phone or copied by hand without mistakes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
CODE_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class NewHandoff:
    organisation_id: int
    reason: str
    urgent: bool = False
    # The pre-qualification answers the person agreed to share, else None (see the docs).
    summary: dict[str, Any] | None = None


def new_contact_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def open_handoff(db: Session, contact: Contact, new: NewHandoff, now: datetime) -> Handoff:
    """The contact's open handoff, routed to ``new.organisation_id``; created if none is open.

    An open handoff not routed yet (opened before the person chose an organisation) is routed
    now rather than duplicated."""
    handoff = open_handoff_of(db, contact)
    if handoff is None:
        handoff = Handoff(contact_id=contact.id, reason=new.reason, opened_at=now, state="open")
        db.add(handoff)
    if handoff.contact_code is None:
        handoff.contact_code = _free_code(db)
    handoff.organisation_id = new.organisation_id
    handoff.reason, handoff.urgent, handoff.summary = new.reason, new.urgent, new.summary
    handoff.language, handoff.channel = contact.language, contact.channel
    handoff.waiting_since = handoff.waiting_since or now
    handoff.updated_at = now
    db.flush()
    return handoff


def record_person_message(db: Session, handoff: Handoff, text: str, now: datetime) -> None:
    """What the person wrote while handed over; they now wait for staff."""
    db.add(HandoffMessage(handoff_id=handoff.id, direction="in", text=text, created_at=now))
    if handoff.state == "waiting":
        handoff.state = "claimed" if handoff.assignee_id is not None else "open"
    handoff.waiting_since = handoff.waiting_since or now
    handoff.updated_at = now
    db.flush()


def _free_code(db: Session) -> str:
    for _ in range(CODE_ATTEMPTS):
        code = new_contact_code()
        if db.scalar(select(Handoff.id).where(Handoff.contact_code == code)) is None:
            return code
    raise RuntimeError("no free contact code after several attempts")


# The handoff feature's events, applied in the turn's transaction -----------------------------


def open_handoff_of(db: Session, contact: Contact) -> Handoff | None:
    return db.scalar(
        select(Handoff).where(Handoff.contact_id == contact.id, Handoff.closed_at.is_(None))
    )


def ensure_organisation(db: Session, code: str, name: str, reference_prefix: str) -> int:
    """The organisation's id; created from the desk content (flows/handoff.yml) when the
    database has none yet, so a handoff is never routed to nobody."""
    found = db.scalar(select(Organisation.id).where(Organisation.code == code))
    if found is not None:
        return found
    row = Organisation(code=code, name=name, reference_prefix=reference_prefix)
    db.add(row)
    db.flush()
    return row.id


def route_handoff(db: Session, contact: Contact, event: HandoffRouted, now: datetime) -> None:
    organisation = ensure_organisation(
        db, event.organisation, event.organisation_name, event.reference_prefix
    )
    new = NewHandoff(organisation, event.reason, event.urgent, event.summary)
    open_handoff(db, contact, new, now)


def mark_urgent(db: Session, contact: Contact, now: datetime) -> None:
    handoff = open_handoff_of(db, contact)
    if handoff is not None:
        handoff.urgent, handoff.updated_at = True, now


def end_handoff(db: Session, contact: Contact, now: datetime) -> None:
    """The conversation went back to the bot (the person's ``/bot``, or staff closed it)."""
    handoff = open_handoff_of(db, contact)
    if handoff is None:
        return
    if handoff.state != "closed":
        # The person left: staff see it in the conversation, nothing to relay back.
        db.add(
            HandoffMessage(
                handoff_id=handoff.id, direction="left", text="", created_at=now, relayed_at=now
            )
        )
    handoff.state, handoff.closed_at, handoff.waiting_since = "closed", now, None
    handoff.updated_at = now


def staff_action_applied(db: Session, contact: Contact, ref: str, now: datetime) -> None:
    """The turn relayed this staff row: marked in its own transaction (see relay.py)."""
    if not ref.isascii() or not ref.isdigit():
        return
    db.execute(
        update(HandoffMessage)
        .where(
            HandoffMessage.id == int(ref),
            HandoffMessage.relayed_at.is_(None),
            HandoffMessage.handoff_id.in_(
                select(Handoff.id).where(Handoff.contact_id == contact.id)
            ),
        )
        .values(relayed_at=now)
    )


def answer_transfer(db: Session, contact: Contact, event: TransferAnswered, now: datetime) -> None:
    """The person's answer to a transfer staff proposed: a line in the conversation, and
    with a yes the handoff moves to the other organisation, unclaimed, in its inbox."""
    handoff = open_handoff_of(db, contact)
    if handoff is None:
        return
    direction = "moved" if event.accepted else "stayed"
    db.add(
        HandoffMessage(
            handoff_id=handoff.id,
            direction=direction,
            text=event.organisation,
            created_at=now,
            relayed_at=now,
        )
    )
    if event.accepted:
        handoff.organisation_id = ensure_organisation(
            db, event.organisation, event.organisation_name, event.reference_prefix
        )
        handoff.assignee_id, handoff.state = None, "open"
        handoff.waiting_since = now
    handoff.updated_at = now


# The feature events above, as the conversation store applies them: (db, contact id, event,
# now), like the info week's (adapters/db/infoweek_writes.py).
def _contact(db: Session, contact_id: int) -> Contact:
    return db.get_one(Contact, contact_id)  # in the turn's identity map already: no query


APPLIERS: dict[type[FeatureEvent], Callable[[Session, int, Any, datetime], object]] = {
    HandoffRouted: lambda db, cid, event, now: route_handoff(db, _contact(db, cid), event, now),
    HandoffMarkedUrgent: lambda db, cid, _event, now: mark_urgent(db, _contact(db, cid), now),
    StaffActionApplied: lambda db, cid, event, now: staff_action_applied(
        db, _contact(db, cid), event.ref, now
    ),
    TransferAnswered: lambda db, cid, event, now: answer_transfer(
        db, _contact(db, cid), event, now
    ),
}
