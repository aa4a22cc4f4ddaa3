"""What every console page needs: the stores, the clock, the texts and the templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse

from adapters.db.audit_store import SqlAuditLog
from adapters.db.canned_replies import SqlCannedReplies
from adapters.db.database import make_sessions
from adapters.db.handoff_store import SqlHandoffStore
from adapters.db.staff_accounts import SqlStaffAccounts
from adapters.db.staff_bookings import SqlStaffBookings
from adapters.db.staff_infoweek import SqlStaffInfoWeek
from adapters.event_links import EventLinks
from adapters.staff.i18n import StaffTexts
from bot.i18n.languages import load_languages


class Clock(Protocol):
    def now(self) -> datetime: ...


TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
HTMX_FILE = "htmx-4.0.1.min.js"


@dataclass(slots=True)
class Console:
    accounts: SqlStaffAccounts
    handoffs: SqlHandoffStore
    canned: SqlCannedReplies
    bookings: SqlStaffBookings
    audit_log: SqlAuditLog
    clock: Clock
    texts: StaffTexts
    templates: Environment
    secret_key: str
    secure_cookies: bool
    # The bot's languages, which canned replies are written in.
    person_languages: tuple[str, ...]
    info_week: SqlStaffInfoWeek
    event_links: EventLinks

    @classmethod
    def build(
        cls,
        engine: Engine,
        clock: Clock,
        secret_key: str,
        public_base_url: str,
        languages_file: Path,
        event_links: EventLinks | None = None,
    ) -> Console:
        sessions = make_sessions(engine)
        templates = Environment(
            loader=FileSystemLoader(TEMPLATES_DIR),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        return cls(
            accounts=SqlStaffAccounts(sessions),
            handoffs=SqlHandoffStore(sessions),
            canned=SqlCannedReplies(sessions),
            bookings=SqlStaffBookings(sessions),
            audit_log=SqlAuditLog(sessions),
            clock=clock,
            texts=StaffTexts.load(),
            templates=templates,
            secret_key=secret_key,
            secure_cookies=public_base_url.startswith("https://"),
            person_languages=tuple(lang.code for lang in load_languages(languages_file)),
            info_week=SqlStaffInfoWeek(sessions),
            event_links=event_links or EventLinks(public_base_url),
        )

    def now(self) -> datetime:
        return self.clock.now()

    def render(
        self, template: str, lang: str, status_code: int = 200, **values: Any
    ) -> HTMLResponse:
        def t(key: str, **placeholders: object) -> str:
            return self.texts.text(lang, key, **placeholders)

        def label(prefix: str, code: str | None) -> str:
            """The text for a code (a reason, a channel) or the code itself if it has none."""
            key = f"{prefix}.{code}"
            return self.texts.text(lang, key) if key in self.texts.keys else (code or "")

        now = self.now()

        def waited(since: datetime | None) -> str:
            return self.texts.waited(lang, now - since) if since else t("inbox.not_waiting")

        page = self.templates.get_template(template).render(
            t=t, label=label, waited=waited, lang=lang, htmx=HTMX_FILE, now=now, **values
        )
        return HTMLResponse(page, status_code=status_code)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
