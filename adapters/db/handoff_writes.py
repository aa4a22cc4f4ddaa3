"""Writes of the person's side of a handoff, inside the caller's transaction (they never
commit): the turn that hands a conversation over opens the handoff, later turns add what the
person writes. The staff console reads these rows; see docs/staff-console.md."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.db.models import Contact, Handoff, HandoffMessage

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
    handoff = db.scalar(
        select(Handoff).where(Handoff.contact_id == contact.id, Handoff.closed_at.is_(None))
    )
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
