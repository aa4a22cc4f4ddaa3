"""Telegram channel with python-telegram-bot 22: updates in, Bot API calls out (design.md §4.6).

It translates and does nothing else; the conversation lives in the turn handler.

Behaviour relied on, checked in platforms.md §1 and the tests:
- Updates are handled concurrently (``concurrent_updates``): one slow NLU call must not hold up
  every person; the turn handler keeps each person's messages in order with its own lock.
- ``AIORateLimiter`` throttles to 30 messages/s overall and waits out a 429's ``retry_after``
  (up to two retries). It has no per-private-chat limit; a turn sends two to four messages,
  within the bursts Telegram allows per chat. A 429 pauses all sending while it waits.
- Network errors are retried with backoff here; what still fails stays in the outbox for the
  retry sweep (bot.delivery), so nothing is lost while Telegram is unreachable.
- A webhook update that cannot be stored (database down) is answered 503, so Telegram sends it
  again later; in polling mode the person is asked to send it again.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from telegram import BotCommand, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import AIORateLimiter, Application, ContextTypes, TypeHandler

from adapters.bidi import isolated
from adapters.telegram_format import (
    as_html,
    keyboard,
    language_hint,
    split_text,
    to_inbound,
    update_problem,
)
from bot.conversation import TurnHandler
from bot.engine.messages import Outbound
from bot.i18n.catalog import Catalog
from bot.ports import RecipientUnreachable, SendFailed, StorageUnavailable

log = logging.getLogger(__name__)

# Time periods from PTB (RetryAfter.retry_after) as timedelta: the int form is deprecated since
# 22.2 and its reading warns, even inside PTB's own rate limiter.
os.environ.setdefault("PTB_TIMEDELTA", "true")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
COMMANDS = (
    "start",
    "menu",
    "events",
    "language",
    "human",
    "privacy",
    "mydata",
    "forget",
    "help",
)
MAX_UPDATE_BYTES = 1024 * 1024


class TelegramSetupError(RuntimeError):
    """The Telegram channel cannot start as configured; the message names the variable."""


class TelegramSender:
    """Sends the engine's messages as Bot API calls; errors become the Sender port's."""

    def __init__(self, bot: Any, attempts: int = 3, backoff_seconds: float = 0.5) -> None:
        self._bot = bot
        self._attempts = attempts
        self._backoff = backoff_seconds

    async def send(self, address: str, messages: Sequence[Outbound]) -> None:
        if not address.lstrip("-").isdecimal() or not address.isascii():
            raise SendFailed("not a Telegram chat id", retryable=False)
        chat_id = int(address)
        for message in messages:
            pieces = split_text(isolated(message.text, message.lang))
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                await self._call(
                    self._bot.send_message,
                    chat_id=chat_id,
                    text=as_html(piece),
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(message.buttons) if last else None,
                )
            document = message.document
            if document is not None:
                await self._call(
                    self._bot.send_document,
                    chat_id=chat_id,
                    document=document.content.encode() if document.content else document.url,
                    filename=document.filename,
                )

    async def _call(self, method: Callable[..., Awaitable[object]], **arguments: object) -> None:
        failure: Exception | None = None
        for attempt in range(self._attempts):
            try:
                await method(**arguments)
                return
            except Forbidden as error:
                raise RecipientUnreachable(str(error)) from error
            except RetryAfter as error:
                # The rate limiter already waited and retried; the outbox keeps the rest.
                raise SendFailed("Telegram asks to slow down", retryable=True) from error
            except BadRequest as error:
                raise SendFailed(
                    f"Telegram refused the message: {error}", retryable=False
                ) from error
            except NetworkError as error:
                failure = error
                await asyncio.sleep(self._backoff * 2**attempt)
            except TelegramError as error:
                raise SendFailed(str(error), retryable=False) from error
        raise SendFailed(f"Telegram unreachable: {failure}", retryable=True)


class TelegramChannel:
    """The python-telegram-bot Application, its lifecycle and its webhook route."""

    def __init__(
        self,
        *,
        token: str,
        handler: TurnHandler,
        catalog: Catalog,
        api_base_url: str | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
    ) -> None:
        # httpx logs each request URL, and the Bot API puts the token in the URL path.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        builder = (
            Application.builder()
            .token(token)
            .concurrent_updates(True)
            .rate_limiter(AIORateLimiter(max_retries=2))
        )
        if api_base_url:
            builder = builder.base_url(f"{api_base_url}/bot").base_file_url(
                f"{api_base_url}/file/bot"
            )
        if webhook_url:
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_polled_update))
        self._handler = handler
        self._catalog = catalog
        self._webhook_url = webhook_url
        self._webhook_secret = webhook_secret
        self.sender = TelegramSender(self.application.bot)

    # Lifecycle ---------------------------------------------------------------------------

    async def start_or_keep_trying(self, background: set[asyncio.Task[None]]) -> None:
        """Start now; if Telegram cannot be reached, keep trying in the background so that an
        outage of Telegram never stops the web chat. A refused token stops the start."""
        try:
            await self.start()
        except InvalidToken as error:
            await self._close_connections()
            raise TelegramSetupError(
                "TELEGRAM_TOKEN: Telegram does not accept this token (ask @BotFather for it)"
            ) from error
        except NetworkError as error:
            log.warning(
                "Telegram unreachable at start (%s); trying again in the background", error
            )
            background.add(asyncio.create_task(self._keep_trying()))

    async def _close_connections(self) -> None:
        """After a failed ``initialize`` PTB's shutdown does nothing, but the HTTP clients it
        opened stay open: close them (PTB keeps them in ``Bot._request``)."""
        for request in self.application.bot._request:
            await request.shutdown()

    async def _keep_trying(self) -> None:
        delay = 5.0
        while True:
            await asyncio.sleep(delay)
            try:
                await self.start()
            except NetworkError as error:
                delay = min(delay * 2, 300.0)
                log.warning("Telegram still unreachable (%s); next try in %.0f s", error, delay)
            except InvalidToken:
                log.error("TELEGRAM_TOKEN: Telegram does not accept this token; channel off")
                return
            else:
                return

    async def start(self) -> None:
        await self.application.initialize()
        await self._set_commands()
        if self._webhook_url:
            await self.application.bot.set_webhook(
                url=self._webhook_url,
                secret_token=self._webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("Telegram: webhook mode")
            return
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        log.info("Telegram: long polling")

    async def stop(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def _set_commands(self) -> None:
        """The command menu in each language; the default one in the default language."""
        bot = self.application.bot
        for code in (None, *self._catalog.codes):
            lang = code or self._catalog.default_language
            commands = [
                BotCommand(name, self._catalog.text(lang, f"commands.{name}")) for name in COMMANDS
            ]
            await bot.set_my_commands(commands, language_code=code)

    # Inbound -------------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        if not self._webhook_url:
            return []
        return [Route("/telegram/webhook", self.webhook, methods=["POST"])]

    async def webhook(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        expected = self._webhook_secret or ""
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            return Response("forbidden", status_code=403)
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return Response("update too large", status_code=413)
        update = self._read_update(body)
        if update is None:
            # Signed by Telegram but not an update we can take: another answer than 200
            # would only make Telegram send it again, for ever.
            return Response(status_code=200)
        try:
            await self.process(update)
        except StorageUnavailable:
            return Response("busy, send again later", status_code=503)
        return Response(status_code=200)

    def _read_update(self, body: bytes) -> Update | None:
        """The update, or None with the reason logged (never its content)."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as error:
            log.warning(
                "Telegram webhook: body skipped, not readable JSON (%s)", type(error).__name__
            )
            return None
        problem = update_problem(data)
        if problem is None:
            try:
                return Update.de_json(data, self.application.bot)
            except Exception as error:  # PTB raises whatever its constructors raise
                problem = f"python-telegram-bot could not read it ({type(error).__name__})"
        log.warning("Telegram webhook: update skipped, %s", problem)
        return None

    async def _on_polled_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await self.process(update)
        except StorageUnavailable:
            # Polling has already acknowledged this update: ask the person to send it again.
            inbound = to_inbound(update, self._catalog.codes)
            if inbound is not None and inbound.reply_address is not None:
                lang = inbound.lang_hint if inbound.lang_hint in self._catalog.codes else None
                text = self._catalog.text(lang or self._catalog.default_language, "channel.busy")
                await self._quietly(
                    self.application.bot.send_message(
                        chat_id=int(inbound.reply_address), text=text
                    )
                )

    async def process(self, update: Update) -> None:
        """One update: membership notes, button housekeeping, then the turn handler."""
        if update.my_chat_member is not None:
            await self._on_membership(update)
            return
        query = update.callback_query
        if query is not None:
            await self._quietly(query.answer())  # stops the spinner on the person's screen
            if query.message is not None and query.message.chat.type == ChatType.PRIVATE:
                # An answered keyboard goes away, so an old button cannot be pressed twice.
                await self._quietly(query.edit_message_reply_markup(reply_markup=None))
        inbound = to_inbound(update, self._catalog.codes)
        if inbound is not None:
            await self._handler.handle(inbound, self.sender)

    async def _on_membership(self, update: Update) -> None:
        member = update.my_chat_member
        assert member is not None
        if member.chat.type == ChatType.PRIVATE:
            return
        if member.new_chat_member.status not in (
            ChatMemberStatus.MEMBER,
            ChatMemberStatus.ADMINISTRATOR,
        ):
            return
        hint = language_hint(member.from_user)
        lang = hint if hint in self._catalog.codes else self._catalog.default_language
        bot = self.application.bot
        await self._quietly(
            bot.send_message(
                chat_id=member.chat.id, text=self._catalog.text(lang, "channel.group_note")
            )
        )
        await self._quietly(bot.leave_chat(chat_id=member.chat.id))

    @staticmethod
    async def _quietly(call: Awaitable[Any]) -> None:
        """Housekeeping calls (spinner, keyboard, notes) must never cost the person's turn."""
        try:
            await call
        except TelegramError as error:
            log.info("Telegram housekeeping call failed: %s", error)
