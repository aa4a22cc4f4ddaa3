"""Telling an organisation of a new handoff: a message to its Telegram group and/or an
e-mail, holding a link to the console and nothing about the person (flows/handoff.yml
``notify``). Each handoff is announced once (adapters/db/notice_store.py); a failed send is
logged and not retried, so a broken mail server never floods a group.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage

import anyio.to_thread
import httpx

from adapters.db.notice_store import NewHandoffNotice, SqlNoticeStore
from adapters.settings import Settings
from adapters.staff.console import Clock
from bot.handoff.desks import Desk

log = logging.getLogger(__name__)

NOTICES_EVERY_SECONDS = 5.0
TELEGRAM_API = "https://api.telegram.org"


def notice_text(notice: NewHandoffNotice, base_url: str) -> str:
    """Trilingual, since a group's members read different languages; no personal data."""
    urgent = " — URGENT / DRINGEND" if notice.urgent else ""
    link = f"{base_url.rstrip('/')}/staff/handoffs/{notice.handoff_id}"
    return f"Passerelle: nouvelle demande / nieuwe aanvraag / new handoff{urgent}\n{link}"


class HandoffNotifier:
    def __init__(
        self,
        settings: Settings,
        desks: Mapping[str, Desk],
        store: SqlNoticeStore,
        clock: Clock,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._settings = settings
        self._desks = {
            code: desk
            for code, desk in desks.items()
            if (desk.notify_telegram_chat and settings.telegram_token)
            or (desk.notify_email and settings.smtp_host and settings.smtp_from)
        }
        self._store = store
        self._clock = clock
        self._http = http or httpx.AsyncClient(timeout=10.0)

    @property
    def enabled(self) -> bool:
        return bool(self._desks)

    async def run_once(self) -> int:
        now = self._clock.now()
        notices = await anyio.to_thread.run_sync(self._store.claim_new, list(self._desks), now)
        for notice in notices:
            await self._tell(notice)
        return len(notices)

    async def _tell(self, notice: NewHandoffNotice) -> None:
        desk = self._desks[notice.organisation]
        text = notice_text(notice, self._settings.public_base_url)
        if desk.notify_telegram_chat and self._settings.telegram_token:
            try:
                await self._telegram(desk.notify_telegram_chat, text)
            except httpx.HTTPError as problem:
                log.warning("telling %s on Telegram failed: %s", desk.code, type(problem).__name__)
        if desk.notify_email and self._settings.smtp_host and self._settings.smtp_from:
            try:
                await anyio.to_thread.run_sync(self._email, desk.notify_email, text)
            except (OSError, smtplib.SMTPException) as problem:
                log.warning("telling %s by e-mail failed: %s", desk.code, type(problem).__name__)

    async def _telegram(self, chat: str, text: str) -> None:
        base = self._settings.telegram_api_base_url or TELEGRAM_API
        token = self._settings.telegram_token
        response = await self._http.post(
            f"{base}/bot{token}/sendMessage",
            json={"chat_id": chat, "text": text, "disable_web_page_preview": True},
        )
        response.raise_for_status()

    def _email(self, to: str, text: str) -> None:
        settings = self._settings
        assert settings.smtp_host is not None
        assert settings.smtp_from is not None
        message = EmailMessage()
        message["Subject"] = "Passerelle: nouvelle demande / nieuwe aanvraag / new handoff"
        message["From"], message["To"] = settings.smtp_from, to
        message.set_content(text)
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user and settings.smtp_password:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
