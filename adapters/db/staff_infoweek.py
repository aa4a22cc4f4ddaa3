"""The info week as the console shows it: the events of the asking organisation with
anonymous counts (places, signed up, waiting, offers open, came), the languages of the
sign-ups, and check-in by sign-up code. No query returns anything about a person: codes and
languages at most, and every query carries the organisation."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.handoff_store import Actor, audit
from adapters.db.infoweek_models import EventSignupRow, InfoEventRow
from bot.infoweek.model import CONFIRMED, OFFERED, WAITING


@dataclass(frozen=True, slots=True)
class EventCounts:
    id: int
    code: str
    title: dict[str, Any]
    starts_at: datetime
    city: str | None
    online: bool
    capacity: int
    held: int  # places signed up or offered (the demo's anonymous places included)
    signed_up: int = 0  # places confirmed through the chat
    waiting: int = 0
    offers: int = 0
    came: int = 0
    languages: dict[str, int] = field(default_factory=dict)  # places by the sign-up's language

    @property
    def left(self) -> int:
        return max(self.capacity - self.held - self.waiting, 0)


class SqlStaffInfoWeek:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def events(self, organisation_id: int) -> list[EventCounts]:
        with self._sessions() as db:
            rows = db.scalars(
                select(InfoEventRow)
                .where(InfoEventRow.organisation_id == organisation_id)
                .order_by(InfoEventRow.starts_at, InfoEventRow.code)
            ).all()
            return [_counts(db, row) for row in rows]

    def event(self, organisation_id: int, event_id: int) -> EventCounts | None:
        with self._sessions() as db:
            row = db.scalar(
                select(InfoEventRow).where(
                    InfoEventRow.id == event_id, InfoEventRow.organisation_id == organisation_id
                )
            )
            return None if row is None else _counts(db, row)

    def check_in(self, actor: Actor, reference: str, now: datetime) -> tuple[str, str | None]:
        """``checked_in``, ``already``, ``not_confirmed`` or ``unknown`` (a code of another
        organisation's event is unknown here), and the event's code."""
        code = sign_up_code(reference)
        with self._sessions.begin() as db:
            row = db.execute(
                select(EventSignupRow, InfoEventRow.code)
                .join(InfoEventRow, InfoEventRow.id == EventSignupRow.event_id)
                .where(
                    EventSignupRow.code == code,
                    InfoEventRow.organisation_id == actor.organisation_id,
                )
            ).one_or_none()
            if row is None:
                return "unknown", None
            signup, event = row
            if signup.status != CONFIRMED:
                return "not_confirmed", event
            done = db.execute(
                update(EventSignupRow)
                .where(EventSignupRow.id == signup.id, EventSignupRow.checked_in_at.is_(None))
                .values(checked_in_at=now)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                return "already", event
            audit(db, actor, "event_check_in", now, subject=code)
            return "checked_in", event

    def record_export(self, actor: Actor, now: datetime) -> None:
        with self._sessions.begin() as db:
            audit(db, actor, "event_counts_exported", now, subject="info week")


def sign_up_code(typed: str) -> str:
    """``7k4q``, ``IW-7K4Q`` or a scanner's `` IW-7K4Q\n``: the code as stored."""
    code = typed.strip().upper()
    return f"IW-{code}" if code and not code.startswith("IW-") else code


def _counts(db: Session, row: InfoEventRow) -> EventCounts:
    signups = db.execute(
        select(
            EventSignupRow.status,
            EventSignupRow.places,
            EventSignupRow.language,
            EventSignupRow.checked_in_at,
        ).where(EventSignupRow.event_id == row.id)
    ).all()
    by = Counter[str]()
    languages = Counter[str]()
    for status, places, language, checked_in in signups:
        by[status] += places
        if status in (CONFIRMED, WAITING, OFFERED):
            languages[language] += places
        if checked_in is not None:
            by["came"] += places
    return EventCounts(
        id=row.id,
        code=row.code,
        title=dict(row.title),
        starts_at=row.starts_at,
        city=row.city,
        online=row.online,
        capacity=row.capacity,
        held=row.held,
        signed_up=by[CONFIRMED],
        waiting=row.waiting,
        offers=by[OFFERED],
        came=by["came"],
        languages=dict(sorted(languages.items())),
    )
