"""The info week in SQL: importing events, the chat's context, the sweeper's waiting lists
and messages, and the anonymous counts the console shows."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta
from pathlib import Path

import anyio.to_thread
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from adapters.crypto import AddressCipher
from adapters.db.errors import storage_errors
from adapters.db.infoweek_models import (
    EventReminderRow,
    EventSignupRow,
    InfoEventRow,
    InfoWeekRow,
)
from adapters.db.infoweek_writes import REMINDER_OFFSETS, as_sign_up, expire_offers, promote
from adapters.db.models import Contact, Organisation
from bot.infoweek.context import DEFAULT_BUTTON_LIMIT, DEFAULT_OFFER_HOURS, InfoWeekContext
from bot.infoweek.importing import EventFile, ImportRefused, Problem, read_event_file
from bot.infoweek.model import STANDING, WAITING, InfoEvent, InfoWeek, new_code
from bot.infoweek.reminders import DueEventMessage


class SqlInfoWeekStore:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        cipher: AddressCipher,
        *,
        codes: Callable[[], str] = new_code,
        offer_hours: int = DEFAULT_OFFER_HOURS,
        button_limits: Mapping[str, int] | None = None,
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._codes = codes
        self.offer_hours = offer_hours
        self._button_limits = dict(button_limits or {})

    # The chat's context ----------------------------------------------------------------------

    async def load(self, channel: str, contact_key: str, now: datetime) -> InfoWeekContext:
        """The ``infoweek.events`` context: the coming events and this person's sign-ups."""
        return await anyio.to_thread.run_sync(self._context, channel, contact_key, now)

    def _context(self, channel: str, key: str, now: datetime) -> InfoWeekContext:
        with storage_errors(), self._sessions() as db:
            rows = db.execute(
                select(InfoEventRow, Organisation.code)
                .join(Organisation, Organisation.id == InfoEventRow.organisation_id)
                .where(InfoEventRow.ends_at > now)
                .order_by(InfoEventRow.starts_at, InfoEventRow.code)
            ).all()
            events = tuple(_event(row, org) for row, org in rows)
            week_ids = {row.info_week_id for row, _org in rows}
            week = None
            if week_ids:
                week_row = db.scalar(
                    select(InfoWeekRow)
                    .where(InfoWeekRow.id.in_(week_ids))
                    .order_by(InfoWeekRow.starts)
                    .limit(1)
                )
                week = _week(week_row) if week_row else None
            queues = dict(
                db.execute(
                    select(InfoEventRow.code, func.count(EventSignupRow.id))
                    .join(EventSignupRow, EventSignupRow.event_id == InfoEventRow.id)
                    .where(EventSignupRow.status == WAITING, InfoEventRow.ends_at > now)
                    .group_by(InfoEventRow.code)
                ).all()
            )
            mine = db.scalars(
                select(EventSignupRow)
                .join(Contact, Contact.id == EventSignupRow.contact_id)
                .join(InfoEventRow, InfoEventRow.id == EventSignupRow.event_id)
                .where(
                    Contact.channel == channel,
                    Contact.key == key,
                    EventSignupRow.status.in_(STANDING),
                    InfoEventRow.ends_at > now,
                )
                .order_by(InfoEventRow.starts_at)
            ).all()
            return InfoWeekContext(
                week=week,
                events=events,
                mine=tuple(as_sign_up(db, row) for row in mine),
                queues=tuple((str(k), int(n)) for k, n in queues.items()),
                fresh_code=self._codes(),
                button_limit=self._button_limits.get(channel, DEFAULT_BUTTON_LIMIT),
                offer_hours=self.offer_hours,
            )

    async def event(self, code: str) -> InfoEvent | None:
        return await anyio.to_thread.run_sync(self._one_event, code)

    def _one_event(self, code: str) -> InfoEvent | None:
        with storage_errors(), self._sessions() as db:
            row = db.execute(
                select(InfoEventRow, Organisation.code)
                .join(Organisation, Organisation.id == InfoEventRow.organisation_id)
                .where(InfoEventRow.code == code)
            ).one_or_none()
            return None if row is None else _event(row[0], row[1])

    async def sign_up_file(self, reference: str) -> tuple[InfoEvent, str] | None:
        """The event and language of a standing sign-up, for its calendar file."""
        return await anyio.to_thread.run_sync(self._sign_up_file, reference)

    def _sign_up_file(self, reference: str) -> tuple[InfoEvent, str] | None:
        with storage_errors(), self._sessions() as db:
            row = db.execute(
                select(InfoEventRow, Organisation.code, EventSignupRow.language)
                .join(EventSignupRow, EventSignupRow.event_id == InfoEventRow.id)
                .join(Organisation, Organisation.id == InfoEventRow.organisation_id)
                .where(EventSignupRow.code == reference)
            ).one_or_none()
            return None if row is None else (_event(row[0], row[1]), str(row[2]))

    # Importing -------------------------------------------------------------------------------

    def organisation_codes(self) -> list[str]:
        with storage_errors(), self._sessions() as db:
            return list(db.scalars(select(Organisation.code).order_by(Organisation.code)))

    def week(self, code: str | None) -> InfoWeek | None:
        """The info week of that id, or the latest one."""
        with storage_errors(), self._sessions() as db:
            query = select(InfoWeekRow).order_by(InfoWeekRow.starts.desc()).limit(1)
            if code is not None:
                query = select(InfoWeekRow).where(InfoWeekRow.code == code)
            row = db.scalar(query)
            return None if row is None else _week(row)

    def import_events(self, name: str, found: EventFile) -> dict[str, int]:
        """Writes the week and its events in one transaction (matched by id: importing twice
        changes nothing); raises ImportRefused, writing nothing, when a capacity would fall
        below the places already taken."""
        assert found.info_week is not None
        with storage_errors(), self._sessions.begin() as db:
            week = _upsert_week(db, found.info_week)
            organisations = dict(db.execute(select(Organisation.code, Organisation.id)).all())
            counts = {"new": 0, "changed": 0, "unchanged": 0}
            problems: list[Problem] = []
            for line, event in found.events:
                outcome = _upsert_event(db, week.id, organisations[event.organisation], event)
                if outcome is None:
                    problems.append(Problem(name, line, "capacity is below the places taken"))
                else:
                    counts[outcome] += 1
            if problems:
                db.rollback()
                raise ImportRefused(problems)
            return counts

    def take_anonymous_places(self, event: str, places: int) -> None:
        """Demo only: ``places`` taken by nobody in particular, once (while none are)."""
        with storage_errors(), self._sessions.begin() as db:
            db.execute(
                update(InfoEventRow)
                .where(
                    InfoEventRow.code == event,
                    InfoEventRow.held == 0,
                    InfoEventRow.capacity >= places,
                )
                .values(held=places)
            )

    # The sweeper ------------------------------------------------------------------------------

    async def move_waiting_lists(self, now: datetime) -> int:
        return await anyio.to_thread.run_sync(self._move, now)

    def _move(self, now: datetime) -> int:
        """Expired offers give their places back; freed places go to the first who wait."""
        with storage_errors(), self._sessions.begin() as db:
            expire_offers(db, now)
            waiting = db.scalars(
                select(InfoEventRow.id).where(
                    InfoEventRow.waiting > 0,
                    InfoEventRow.held < InfoEventRow.capacity,
                    InfoEventRow.starts_at > now,
                )
            ).all()
            offer_for = timedelta(hours=self.offer_hours)
            return sum(len(promote(db, event_id, now, offer_for)) for event_id in waiting)

    async def claim_due_messages(
        self, now: datetime, limit: int, stale_after: timedelta
    ) -> list[DueEventMessage]:
        return await anyio.to_thread.run_sync(self._claim_due, now, limit, stale_after)

    def _claim_due(
        self, now: datetime, limit: int, stale_after: timedelta
    ) -> list[DueEventMessage]:
        with storage_errors(), self._sessions() as db:
            candidates = list(
                db.scalars(
                    select(EventReminderRow.id)
                    .where(EventReminderRow.due_at <= now, _claimable(now, stale_after))
                    .order_by(EventReminderRow.due_at, EventReminderRow.id)
                    .limit(limit)
                )
            )
        claimed = []
        for message_id in candidates:
            due = self._claim_one(message_id, now, stale_after)
            if due is not None:
                claimed.append(due)
        return claimed

    def _claim_one(
        self, message_id: int, now: datetime, stale_after: timedelta
    ) -> DueEventMessage | None:
        with storage_errors(), self._sessions.begin() as db:
            won = db.execute(
                update(EventReminderRow)
                .where(EventReminderRow.id == message_id, _claimable(now, stale_after))
                .values(status="sending", claimed_at=now, attempts=EventReminderRow.attempts + 1)
            )
            if won.rowcount != 1:  # type: ignore[attr-defined]
                return None  # another sweeper has it
            message = db.get_one(EventReminderRow, message_id)
            signup = db.get_one(EventSignupRow, message.signup_id)
            contact = db.get(Contact, signup.contact_id) if signup.contact_id else None
            wanted = "offered" if message.kind == "offer" else "confirmed"
            address = (
                self._cipher.decrypt(contact.reply_address)
                if contact is not None and contact.reply_address
                else None
            )
            if signup.status != wanted or contact is None or address is None:
                message.status = "cancelled"
                return None
            if contact.unreachable_at is not None:
                message.status = "cancelled"
                return None
            event_row = db.get_one(InfoEventRow, signup.event_id)
            if not _still_useful(message.kind, event_row.starts_at, now):
                message.status = "cancelled"
                return None
            organisation = db.get_one(Organisation, event_row.organisation_id)
            return DueEventMessage(
                message.id,
                message.kind,
                contact.channel,
                address,
                signup.language,
                as_sign_up(db, signup),
                _event(event_row, organisation.code),
            )

    async def finish_message(self, message_id: int, sent: bool, at: datetime) -> None:
        await anyio.to_thread.run_sync(self._finish, message_id, sent, at)

    def _finish(self, message_id: int, sent: bool, at: datetime) -> None:
        with storage_errors(), self._sessions.begin() as db:
            db.execute(
                update(EventReminderRow)
                .where(EventReminderRow.id == message_id)
                .values(status="sent" if sent else "failed", sent_at=at if sent else None)
            )


def _still_useful(kind: str, starts_at: datetime, now: datetime) -> bool:
    """A reminder of a session already begun, or the day before's when the 2-hour one is
    due too (the sweeper was down), would only confuse."""
    if starts_at <= now:
        return False
    later = dict(REMINDER_OFFSETS).get("2h")
    return not (kind == "day_before" and later is not None and starts_at - now <= later)


def _claimable(now: datetime, stale_after: timedelta) -> ColumnElement[bool]:
    return (EventReminderRow.status == "pending") | (
        (EventReminderRow.status == "sending") & (EventReminderRow.claimed_at < now - stale_after)
    )


def _event(row: InfoEventRow, organisation: str) -> InfoEvent:
    return InfoEvent(
        id=row.code,
        title=dict(row.title),
        description=dict(row.description),
        organisation=organisation,
        city=row.city,
        region=row.region,
        place=row.place,
        online=row.online,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        languages=tuple(row.languages),
        capacity=row.capacity,
        audience=tuple(row.audience),
        link=row.link,
        held=row.held,
        waiting=row.waiting,
    )


def _week(row: InfoWeekRow) -> InfoWeek:
    return InfoWeek(row.code, dict(row.title), row.starts, row.ends)


def _upsert_week(db: Session, week: InfoWeek) -> InfoWeekRow:
    row = db.scalar(select(InfoWeekRow).where(InfoWeekRow.code == week.id))
    if row is None:
        row = InfoWeekRow(code=week.id)
        db.add(row)
    row.title, row.starts, row.ends = dict(week.title), week.starts, week.ends
    db.flush()
    return row


def _upsert_event(db: Session, week_id: int, organisation_id: int, event: InfoEvent) -> str | None:
    """``new``, ``changed`` or ``unchanged``; None when the capacity is below what is taken."""
    row = db.scalar(select(InfoEventRow).where(InfoEventRow.code == event.id))
    outcome = "changed"
    if row is None:
        row = InfoEventRow(code=event.id, held=0, waiting=0, next_ticket=0)
        db.add(row)
        outcome = "new"
    elif event.capacity < row.held:
        return None
    values = {
        "info_week_id": week_id,
        "organisation_id": organisation_id,
        "title": dict(event.title),
        "description": dict(event.description),
        "city": event.city,
        "region": event.region,
        "place": event.place,
        "online": event.online,
        "link": event.link,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "languages": list(event.languages),
        "audience": list(event.audience),
        "capacity": event.capacity,
    }
    if outcome == "changed" and all(getattr(row, k) == v for k, v in values.items()):
        outcome = "unchanged"
    for name, value in values.items():
        setattr(row, name, value)
    db.flush()
    return outcome


def import_event_file(
    store: SqlInfoWeekStore, path: Path, languages: Collection[str], week: str | None = None
) -> dict[str, int]:
    """``passerelle events import``: the whole file or nothing; raises ImportRefused with
    every bad row (file, line, reason), LookupError for an unknown ``week``."""
    into = store.week(week) if week is not None or path.suffix.lower() == ".csv" else None
    if week is not None and into is None:
        raise LookupError(f"no info week {week!r}: import its YAML file first")
    found = read_event_file(path, store.organisation_codes(), languages, into)
    return store.import_events(path.name, found)
