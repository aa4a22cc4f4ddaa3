"""Canned replies: short answers an organisation writes once per language and staff pick
in the reply form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.handoff_store import Actor, audit
from adapters.db.staff_models import CannedReply


@dataclass(frozen=True, slots=True)
class CannedView:
    id: int
    language: str
    title: str
    text: str


class SqlCannedReplies:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def list(self, organisation_id: int, language: str | None = None) -> list[CannedView]:
        """This organisation's replies; in one language when ``language`` is given."""
        query = select(CannedReply).where(CannedReply.organisation_id == organisation_id)
        if language is not None:
            query = query.where(CannedReply.language == language)
        with self._sessions() as db:
            rows = db.scalars(query.order_by(CannedReply.language, CannedReply.title))
            return [CannedView(r.id, r.language, r.title, r.text) for r in rows]

    def get(self, organisation_id: int, canned_id: int) -> CannedView | None:
        with self._sessions() as db:
            row = db.scalar(
                select(CannedReply).where(
                    CannedReply.id == canned_id, CannedReply.organisation_id == organisation_id
                )
            )
            return None if row is None else CannedView(row.id, row.language, row.title, row.text)

    def add(self, actor: Actor, language: str, title: str, text: str, now: datetime) -> int:
        with self._sessions.begin() as db:
            row = CannedReply(
                organisation_id=actor.organisation_id,
                language=language,
                title=title,
                text=text,
                created_at=now,
            )
            db.add(row)
            db.flush()
            audit(db, actor, "canned_added", now, subject=title[:64])
            return row.id

    def delete(self, actor: Actor, canned_id: int, now: datetime) -> bool:
        with self._sessions.begin() as db:
            row = db.scalar(
                select(CannedReply).where(
                    CannedReply.id == canned_id,
                    CannedReply.organisation_id == actor.organisation_id,
                )
            )
            if row is None:
                return False
            audit(db, actor, "canned_deleted", now, subject=row.title[:64])
            db.delete(row)
            return True
