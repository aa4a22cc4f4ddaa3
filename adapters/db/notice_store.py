"""New handoffs an organisation has not been told of yet, each claimed once (compare-and-set
on ``handoff.notified_at``) whichever process asks first."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.errors import storage_errors
from adapters.db.models import Handoff, Organisation

# Handoffs older than this when a notification target is first configured are not announced.
FRESH_FOR = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class NewHandoffNotice:
    handoff_id: int
    organisation: str  # the organisation's code
    urgent: bool


class SqlNoticeStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def claim_new(self, organisations: Collection[str], now: datetime) -> list[NewHandoffNotice]:
        if not organisations:
            return []
        with storage_errors(), self._sessions.begin() as db:
            rows = db.execute(
                select(Handoff.id, Handoff.urgent, Organisation.code)
                .join(Organisation, Organisation.id == Handoff.organisation_id)
                .where(
                    Organisation.code.in_(list(organisations)),
                    Handoff.notified_at.is_(None),
                    Handoff.closed_at.is_(None),
                    Handoff.opened_at > now - FRESH_FOR,
                )
                .order_by(Handoff.urgent.desc(), Handoff.id)
            ).all()
            claimed = []
            for handoff_id, urgent, code in rows:
                done = db.execute(
                    update(Handoff)
                    .where(Handoff.id == handoff_id, Handoff.notified_at.is_(None))
                    .values(notified_at=now)
                )
                if done.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append(NewHandoffNotice(handoff_id, code, bool(urgent)))
            return claimed
