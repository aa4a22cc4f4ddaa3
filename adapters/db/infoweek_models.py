"""Tables of the info week: the week, its events, the sign-ups and their reminders.

Capacity is guarded in the event row itself: ``held`` (places signed up or offered) and
``waiting`` (places on the waiting list) change only by conditional updates of that row
(``held = held + n WHERE held + n + waiting <= capacity``), and a check constraint refuses
``held > capacity`` whatever a bug might try. A sign-up holds no personal data: its code, its
number of places and its language; the contact it came from is NULL once they are forgotten.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.models import Base

STANDING_SQL = "status IN ('confirmed', 'waiting', 'offered')"


class InfoWeekRow(Base):
    __tablename__ = "info_week"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[dict[str, Any]] = mapped_column(JSON)
    starts: Mapped[str] = mapped_column(String(10))  # ISO date, Brussels
    ends: Mapped[str] = mapped_column(String(10))


class InfoEventRow(Base):
    __tablename__ = "info_event"
    __table_args__ = (
        CheckConstraint("held >= 0 AND waiting >= 0 AND held <= capacity", name="places"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    info_week_id: Mapped[int] = mapped_column(
        ForeignKey("info_week.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[dict[str, Any]] = mapped_column(JSON)
    description: Mapped[dict[str, Any]] = mapped_column(JSON)
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(String(300))
    online: Mapped[bool] = mapped_column(default=False)
    link: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    languages: Mapped[list[str]] = mapped_column(JSON)
    audience: Mapped[list[str]] = mapped_column(JSON)
    capacity: Mapped[int] = mapped_column(Integer)
    held: Mapped[int] = mapped_column(Integer, default=0)
    waiting: Mapped[int] = mapped_column(Integer, default=0)
    # Tickets of the waiting list, drawn by ``next_ticket = next_ticket + 1``: arrival order.
    next_ticket: Mapped[int] = mapped_column(Integer, default=0)


class EventSignupRow(Base):
    """One person's place (or places, with companions) at one event.

    status: confirmed | waiting | offered (hold places or wait) | cancelled | left | declined
    | expired. The partial unique index refuses a second standing sign-up of one contact for
    one event on every database.
    """

    __tablename__ = "event_signup"
    __table_args__ = (
        Index(
            "uq_event_signup_standing",
            "event_id",
            "contact_id",
            unique=True,
            sqlite_where=text(STANDING_SQL),
            postgresql_where=text(STANDING_SQL),
        ),
        Index("ix_event_signup_event_ticket", "event_id", "status", "ticket"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("info_event.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(12))
    places: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8))
    ticket: Mapped[int | None] = mapped_column(Integer)  # on the waiting list: its order
    created_at: Mapped[datetime]
    offered_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]


class EventReminderRow(Base):
    """A message to send about a sign-up (``day_before``, ``2h``, ``offer``), claimed by a
    sweeper with a compare-and-set, so it goes once whatever the processes and restarts."""

    __tablename__ = "event_reminder"
    __table_args__ = (Index("uq_event_reminder_signup_kind", "signup_id", "kind", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("event_signup.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(
        String(16)
    )  # pending | sending | sent | failed | cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
