"""The staff console's handoffs: the inbox, one handoff, and what staff do with it.

Every method takes the organisation of the staff member asking and every query is filtered
by it (as Glific forces an organisation id on every query): a handoff of another organisation
is not found, exactly as one that does not exist. Each action writes its audit entry in the
same transaction; reading a handoff is audited too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.models import Handoff, HandoffMessage, Organisation
from adapters.db.staff_models import AuditEntry, StaffAccount

OPEN_STATES = ("open", "claimed", "waiting")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a staff account and the organisation it belongs to."""

    account_id: int
    organisation_id: int


@dataclass(frozen=True, slots=True)
class HandoffView:
    id: int
    contact_code: str
    reason: str
    urgent: bool
    language: str | None
    channel: str | None
    state: str
    assignee: str | None
    summary: dict[str, Any] | None
    opened_at: datetime
    waiting_since: datetime | None


@dataclass(frozen=True, slots=True)
class MessageView:
    direction: str  # in | out | note | closed
    text: str
    author: str | None
    created_at: datetime
    relayed: bool


@dataclass(frozen=True, slots=True)
class OrganisationView:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class HandoffPage:
    handoff: HandoffView
    messages: list[MessageView]


def audit(db: Session, actor: Actor, action: str, now: datetime, **about: Any) -> None:
    db.add(
        AuditEntry(
            organisation_id=actor.organisation_id,
            account_id=actor.account_id,
            action=action,
            at=now,
            handoff_id=about.get("handoff_id"),
            subject=about.get("subject"),
        )
    )


class SqlHandoffStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def inbox(self, organisation_id: int) -> list[HandoffView]:
        """Open handoffs: urgent first, then who has waited longest."""
        with self._sessions() as db:
            rows = db.execute(
                select(Handoff, StaffAccount.email)
                .outerjoin(StaffAccount, StaffAccount.id == Handoff.assignee_id)
                .where(Handoff.organisation_id == organisation_id)
                .where(Handoff.state.in_(OPEN_STATES))
                .order_by(
                    Handoff.urgent.desc(),
                    case((Handoff.waiting_since.is_(None), 1), else_=0),
                    Handoff.waiting_since,
                    Handoff.opened_at,
                )
            ).all()
            return [_view(handoff, email) for handoff, email in rows]

    def page(
        self, actor: Actor, handoff_id: int, now: datetime, *, audited: bool
    ) -> HandoffPage | None:
        """One handoff with its messages; ``audited`` records the read (a page opened, not the
        live refreshes of a page already open)."""
        with self._sessions.begin() as db:
            found = self._owned(db, actor.organisation_id, handoff_id)
            if found is None:
                return None
            email = db.scalar(
                select(StaffAccount.email).where(StaffAccount.id == found.assignee_id)
            )
            if audited:
                audit(db, actor, "opened", now, handoff_id=found.id)
            return HandoffPage(_view(found, email), _messages(db, found.id))

    def claim(self, actor: Actor, handoff_id: int, now: datetime) -> bool:
        with self._sessions.begin() as db:
            found = self._owned(db, actor.organisation_id, handoff_id)
            if found is None or found.state == "closed":
                return False
            found.assignee_id = actor.account_id
            found.state = "claimed" if found.state == "open" else found.state
            found.updated_at = now
            audit(db, actor, "claimed", now, handoff_id=found.id)
            return True

    def reply(self, actor: Actor, handoff_id: int, text: str, now: datetime) -> bool:
        """A reply for the person: a row the relay delivers after commit."""
        with self._sessions.begin() as db:
            found = self._owned(db, actor.organisation_id, handoff_id)
            if found is None or found.state == "closed":
                return False
            self._add(db, found, actor, "out", text, now)
            found.assignee_id = found.assignee_id or actor.account_id
            found.state, found.waiting_since = "waiting", None
            audit(db, actor, "replied", now, handoff_id=found.id)
            return True

    def note(self, actor: Actor, handoff_id: int, text: str, now: datetime) -> bool:
        with self._sessions.begin() as db:
            found = self._owned(db, actor.organisation_id, handoff_id)
            if found is None:
                return False
            self._add(db, found, actor, "note", text, now)
            audit(db, actor, "noted", now, handoff_id=found.id)
            return True

    def close(self, actor: Actor, handoff_id: int, now: datetime) -> bool:
        """Closed for staff at once; the ``closed`` row tells the relay to give the
        conversation back to the bot, which says so to the person."""
        with self._sessions.begin() as db:
            found = self._owned(db, actor.organisation_id, handoff_id)
            if found is None or found.state == "closed":
                return False
            self._add(db, found, actor, "closed", "", now)
            found.state, found.closed_at, found.waiting_since = "closed", now, None
            audit(db, actor, "closed", now, handoff_id=found.id)
            return True

    def other_organisations(self, organisation_id: int) -> list[OrganisationView]:
        """Where a handoff may be passed on: every organisation but the asking one."""
        with self._sessions() as db:
            rows = db.execute(
                select(Organisation.code, Organisation.name)
                .where(Organisation.id != organisation_id)
                .order_by(Organisation.name)
            ).all()
            return [OrganisationView(code, name) for code, name in rows]

    def transfer(self, actor: Actor, handoff_id: int, organisation: str, now: datetime) -> bool:
        """Propose passing the handoff to ``organisation``: the bot asks the person, and only
        their yes moves it (the relay takes the ``transfer`` row to the conversation)."""
        with self._sessions.begin() as db:
            found = self._owned(db, actor.organisation_id, handoff_id)
            if found is None or found.state == "closed":
                return False
            target = db.scalar(
                select(Organisation.id).where(
                    Organisation.code == organisation, Organisation.id != actor.organisation_id
                )
            )
            if target is None:
                return False
            self._add(db, found, actor, "transfer", organisation, now)
            audit(db, actor, "transfer_asked", now, handoff_id=found.id, subject=organisation)
            return True

    @staticmethod
    def _owned(db: Session, organisation_id: int, handoff_id: int) -> Handoff | None:
        return db.scalar(
            select(Handoff).where(
                Handoff.id == handoff_id, Handoff.organisation_id == organisation_id
            )
        )

    @staticmethod
    def _add(
        db: Session, handoff: Handoff, actor: Actor, direction: str, text: str, now: datetime
    ) -> None:
        db.add(
            HandoffMessage(
                handoff_id=handoff.id,
                direction=direction,
                text=text,
                created_at=now,
                staff_account_id=actor.account_id,
            )
        )
        handoff.updated_at = now


def _view(handoff: Handoff, assignee: str | None) -> HandoffView:
    assert handoff.contact_code is not None  # a routed handoff always has one (a constraint)
    return HandoffView(
        id=handoff.id,
        contact_code=handoff.contact_code,
        reason=handoff.reason,
        urgent=handoff.urgent,
        language=handoff.language,
        channel=handoff.channel,
        state=handoff.state,
        assignee=assignee,
        summary=handoff.summary,
        opened_at=handoff.opened_at,
        waiting_since=handoff.waiting_since,
    )


def _messages(db: Session, handoff_id: int) -> list[MessageView]:
    rows = db.execute(
        select(HandoffMessage, StaffAccount.email)
        .outerjoin(StaffAccount, StaffAccount.id == HandoffMessage.staff_account_id)
        .where(HandoffMessage.handoff_id == handoff_id)
        .order_by(HandoffMessage.id)
    ).all()
    return [
        MessageView(m.direction, m.text, email, m.created_at, m.relayed_at is not None)
        for m, email in rows
    ]
