"""The audit log, read back for an organisation's coordinator (entries are written by the
stores, in the transaction of what they record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.models import Handoff
from adapters.db.staff_models import AuditEntry, StaffAccount


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: datetime
    who: str | None
    action: str
    contact_code: str | None
    subject: str | None


class SqlAuditLog:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def recent(self, organisation_id: int, limit: int = 500) -> list[AuditLine]:
        """The newest entries of this organisation first."""
        with self._sessions() as db:
            rows = db.execute(
                select(AuditEntry, StaffAccount.email, Handoff.contact_code)
                .outerjoin(StaffAccount, StaffAccount.id == AuditEntry.account_id)
                .outerjoin(Handoff, Handoff.id == AuditEntry.handoff_id)
                .where(AuditEntry.organisation_id == organisation_id)
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(limit)
            ).all()
            return [
                AuditLine(entry.at, email, entry.action, code, entry.subject)
                for entry, email, code in rows
            ]
