"""Sign-ups, waiting list and offers inside a caller's transaction (a turn, or a sweeper).

Capacity is never checked then inserted: each change of places is one conditional update of
the event row (``held = held + n WHERE held + n + waiting <= capacity``) that the database
applies atomically, PostgreSQL by locking the row and re-checking the condition, SQLite by
serialising writers. Whoever's update matched got the place; the others did not, and wait.
A second standing sign-up of one contact is refused by a partial unique index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapters.db.infoweek_models import EventReminderRow, EventSignupRow, InfoEventRow
from bot.engine.events import FeatureEvent
from bot.infoweek.context import AlreadySignedUp, PlacesChanged, SignUpGone
from bot.infoweek.events import OfferAccepted, SignedUp, SignUpEnded
from bot.infoweek.model import (
    CANCELLED,
    CONFIRMED,
    DECLINED,
    EXPIRED,
    LEFT,
    OFFERED,
    STANDING,
    WAITING,
    SignUp,
)
from bot.ports import ConcurrentTurn

# Reminders of a confirmed place: the day before and two hours before.
REMINDER_OFFSETS = (("day_before", timedelta(hours=24)), ("2h", timedelta(hours=2)))
OFFER = "offer"


@dataclass(frozen=True, slots=True)
class Placed:
    status: str  # confirmed | waiting
    position: int | None
    signup_id: int


def sign_up(
    db: Session, contact_id: int | None, made: SignedUp, now: datetime, *, strict: bool = True
) -> Placed:
    """A place when one is left and nobody waits, else the end of the waiting list.

    ``strict``: raise PlacesChanged when the outcome is not the one the person was told
    (``made.expected``), so the turn is run again with the true places; AlreadySignedUp for a
    second sign-up; ConcurrentTurn when the code was drawn twice, or a second sign-up of the
    same person raced this one past the unique index (the turn is then run afresh). Any of
    these rolls the caller's whole transaction back."""
    event = db.scalar(select(InfoEventRow).where(InfoEventRow.code == made.event_id))
    if event is None:
        raise SignUpGone(made.reference)
    standing = _standing(db, event.id, contact_id)
    if standing is not None:
        raise AlreadySignedUp(standing)
    try:
        placed = _place(db, event.id, contact_id, made, now)
    except IntegrityError as error:
        raise ConcurrentTurn("sign-up code or standing sign-up already there") from error
    if strict and (placed.status, placed.position) != (made.expected, made.position):
        held, waiting = db.execute(
            select(InfoEventRow.held, InfoEventRow.waiting).where(InfoEventRow.id == event.id)
        ).one()
        if placed.status == CONFIRMED:  # what the others left, without this sign-up
            held -= made.places
        else:
            waiting -= made.places
        ahead = (placed.position or 1) - 1
        raise PlacesChanged(made.event_id, held, waiting, ahead)
    if placed.status == CONFIRMED:
        add_reminders(db, placed.signup_id, event.starts_at, now)
    return placed


def _place(
    db: Session, event_id: int, contact_id: int | None, made: SignedUp, now: datetime
) -> Placed:
    n = made.places
    won = db.execute(
        update(InfoEventRow)
        .where(
            InfoEventRow.id == event_id,
            InfoEventRow.waiting == 0,
            InfoEventRow.held + n <= InfoEventRow.capacity,
        )
        .values(held=InfoEventRow.held + n)
    )
    ticket = None
    if won.rowcount != 1:  # type: ignore[attr-defined]
        db.execute(
            update(InfoEventRow)
            .where(InfoEventRow.id == event_id)
            .values(waiting=InfoEventRow.waiting + n, next_ticket=InfoEventRow.next_ticket + 1)
        )
        ticket = db.scalar(select(InfoEventRow.next_ticket).where(InfoEventRow.id == event_id))
    row = EventSignupRow(
        code=made.reference,
        event_id=event_id,
        contact_id=contact_id,
        status=CONFIRMED if ticket is None else WAITING,
        places=n,
        language=made.language,
        ticket=ticket,
        created_at=now,
    )
    db.add(row)
    db.flush()
    position = None if ticket is None else _position(db, event_id, ticket)
    return Placed(row.status, position, row.id)


def _queue(db: Session, event_id: int) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(EventSignupRow)
            .where(EventSignupRow.event_id == event_id, EventSignupRow.status == WAITING)
        )
        or 0
    )


def _position(db: Session, event_id: int, ticket: int) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(EventSignupRow)
            .where(
                EventSignupRow.event_id == event_id,
                EventSignupRow.status == WAITING,
                EventSignupRow.ticket <= ticket,
            )
        )
        or 0
    )


def _standing(db: Session, event_id: int, contact_id: int | None) -> SignUp | None:
    if contact_id is None:
        return None
    row = db.scalar(
        select(EventSignupRow).where(
            EventSignupRow.event_id == event_id,
            EventSignupRow.contact_id == contact_id,
            EventSignupRow.status.in_(STANDING),
        )
    )
    return None if row is None else as_sign_up(db, row)


def as_sign_up(db: Session, row: EventSignupRow) -> SignUp:
    code = db.scalar(select(InfoEventRow.code).where(InfoEventRow.id == row.event_id))
    position = None
    if row.status == WAITING and row.ticket is not None:
        position = _position(db, row.event_id, row.ticket)
    return SignUp(row.code, str(code), row.status, row.places, position, row.offer_expires_at)


def add_reminders(db: Session, signup_id: int, starts_at: datetime, now: datetime) -> None:
    for kind, before in REMINDER_OFFSETS:
        due = starts_at - before
        if due > now:
            db.add(
                EventReminderRow(
                    signup_id=signup_id, kind=kind, due_at=due, status="pending", attempts=0
                )
            )


# Ending, accepting ------------------------------------------------------------------------

# What ending a standing sign-up becomes, and which counter of the event gives the places back.
_ENDINGS = {
    CONFIRMED: (CANCELLED, "held"),
    OFFERED: (DECLINED, "held"),
    WAITING: (LEFT, "waiting"),
}


def end_sign_up(db: Session, contact_id: int, ended: SignUpEnded, now: datetime) -> bool:
    """The person's own standing sign-up ends: its places are given back at once (the
    sweeper then offers them to the first who waits). False when nothing stood."""
    row = db.scalar(
        select(EventSignupRow).where(
            EventSignupRow.code == ended.reference,
            EventSignupRow.contact_id == contact_id,
            EventSignupRow.status.in_(STANDING),
        )
    )
    if row is None:
        return False
    return finish(db, row.id, row.status, now)


def finish(db: Session, signup_id: int, status: str, now: datetime, to: str | None = None) -> bool:
    """Compare-and-set ``status`` -> its ending (or ``to``), then the places back: exactly
    once, whoever else tries the same at the same moment."""
    ending, counter = _ENDINGS[status]
    changed = db.execute(
        update(EventSignupRow)
        .where(EventSignupRow.id == signup_id, EventSignupRow.status == status)
        .values(status=to or ending, ended_at=now)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    row = db.get_one(EventSignupRow, signup_id)
    column = getattr(InfoEventRow, counter)
    db.execute(
        update(InfoEventRow)
        .where(InfoEventRow.id == row.event_id)
        .values({counter: column - row.places})
    )
    db.execute(
        update(EventReminderRow)
        .where(EventReminderRow.signup_id == signup_id, EventReminderRow.status == "pending")
        .values(status="cancelled")
    )
    return True


def accept_offer(db: Session, contact_id: int, accepted: OfferAccepted, now: datetime) -> None:
    """The offered places become the person's (they were held for them already); raises
    SignUpGone when the offer expired or went meanwhile."""
    changed = db.execute(
        update(EventSignupRow)
        .where(
            EventSignupRow.code == accepted.reference,
            EventSignupRow.contact_id == contact_id,
            EventSignupRow.status == OFFERED,
            EventSignupRow.offer_expires_at > now,
        )
        .values(status=CONFIRMED)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise SignUpGone(accepted.reference)
    row = db.scalar(select(EventSignupRow).where(EventSignupRow.code == accepted.reference))
    assert row is not None
    event = db.get_one(InfoEventRow, row.event_id)
    add_reminders(db, row.id, event.starts_at, now)


# The waiting list moves --------------------------------------------------------------------


def promote(db: Session, event_id: int, now: datetime, offer_for: timedelta) -> list[int]:
    """Offer freed places to the first who wait, in order, each for ``offer_for``.

    The first sign-up is claimed by a compare-and-set (waiting -> offered), then its places
    move from ``waiting`` to ``held`` by one conditional update of the event; when that finds
    no room the claim is undone and nobody behind them jumps ahead. Two sweepers never offer
    one place twice. The ids of the sign-ups offered."""
    offered: list[int] = []
    while True:
        first = db.execute(
            select(EventSignupRow.id, EventSignupRow.places)
            .where(EventSignupRow.event_id == event_id, EventSignupRow.status == WAITING)
            .order_by(EventSignupRow.ticket)
            .limit(1)
        ).one_or_none()
        if first is None:
            return offered
        claimed = db.execute(
            update(EventSignupRow)
            .where(EventSignupRow.id == first.id, EventSignupRow.status == WAITING)
            .values(status=OFFERED, offered_at=now, offer_expires_at=now + offer_for)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue  # they left, or another sweeper offered to them: look again
        moved = db.execute(
            update(InfoEventRow)
            .where(
                InfoEventRow.id == event_id,
                InfoEventRow.held + first.places <= InfoEventRow.capacity,
                InfoEventRow.waiting >= first.places,
            )
            .values(
                held=InfoEventRow.held + first.places,
                waiting=InfoEventRow.waiting - first.places,
            )
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            db.execute(
                update(EventSignupRow)
                .where(EventSignupRow.id == first.id)
                .values(status=WAITING, offered_at=None, offer_expires_at=None)
            )
            return offered  # not enough room for the first yet
        db.add(
            EventReminderRow(
                signup_id=first.id, kind=OFFER, due_at=now, status="pending", attempts=0
            )
        )
        db.flush()
        offered.append(first.id)


def expire_offers(db: Session, now: datetime) -> list[int]:
    """Offers not answered in time give their places back (to be offered to the next)."""
    due = db.scalars(
        select(EventSignupRow.id).where(
            EventSignupRow.status == OFFERED, EventSignupRow.offer_expires_at <= now
        )
    ).all()
    return [signup_id for signup_id in due if finish(db, signup_id, OFFERED, now, to=EXPIRED)]


# The info week's events, applied by the conversation store in a turn's transaction:
# (the transaction, the contact's id, the event, the turn's time).
ContactApplier = Callable[[Session, int, Any, datetime], object]
APPLIERS: dict[type[FeatureEvent], ContactApplier] = {
    SignedUp: sign_up,
    SignUpEnded: end_sign_up,
    OfferAccepted: accept_offer,
}
