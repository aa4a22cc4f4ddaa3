"""WhatsApp channel over the Cloud API (Graph API, called with httpx): it translates and does
nothing else (design.md §4.6).

Inbound: ``GET /whatsapp/webhook`` answers Meta's verification; ``POST`` checks
``X-Hub-Signature-256`` over the raw bytes, stores the messages in the inbox (durable, once
per message id), answers 200 at once and runs the turns after, in order per person.
Outbound: ``/{phone_number_id}/messages``; the 24-hour window is decided in
``whatsapp_window``; Graph API errors are classified here, and logged without personal data.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.signed_links import sign
from adapters.whatsapp_format import (
    CHANNEL,
    Labels,
    StatusReport,
    parse_webhook,
    read_receipt,
    render,
    template_message,
)
from adapters.whatsapp_window import FreeForm, Hold, Template, UseTemplate, decide, template_for
from bot.conversation import TurnHandler
from bot.engine.messages import Inbound, Outbound
from bot.i18n.catalog import Catalog
from bot.ports import Clock, RecipientUnreachable, SendFailed, StorageUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY_BYTES = 1024 * 1024
CALENDAR_LINK_VALID = timedelta(days=7)
# Graph API error codes (developers.facebook.com, "Cloud API error codes").
RATE_LIMITED = frozenset({4, 80007, 130429, 131048, 131056})
RE_ENGAGEMENT = 131047  # outside the 24-hour window
UNDELIVERABLE = 131026
RECIPIENT_INVALID = frozenset({131030, 131021})


class Inbox(Protocol):
    """Where acknowledged messages wait for their turn (adapters.db.inbox_store)."""

    async def accept(self, messages: Sequence[Inbound], at: datetime) -> int: ...

    async def waiting(self, channel: str, limit: int = 200) -> list[tuple[int, Inbound]]: ...

    async def done(self, inbox_id: int) -> None: ...

    async def record_status(
        self, channel: str, message_id: str, status: str, error_code: int | None, at: datetime
    ) -> None: ...

    async def last_message_at(self, channel: str, contact_key: str) -> datetime | None: ...


class GraphError(Exception):
    def __init__(self, status: int, code: int | None, title: str) -> None:
        super().__init__(f"Graph API {status} (code {code}): {title}")
        self.status = status
        self.code = code


class WhatsAppSender:
    """Sends the engine's messages; errors become the Sender port's."""

    def __init__(
        self,
        *,
        client: httpx.AsyncClient,
        phone_number_id: str,
        catalog: Catalog,
        templates: Mapping[str, Template],
        last_message_at: Callable[[str], Awaitable[datetime | None]],
        clock: Clock,
        public_base_url: str,
        secret_key: str,
        attempts: int = 3,
        backoff_seconds: float = 1.0,
    ) -> None:
        self._client = client
        self._path = f"/{phone_number_id}/messages"
        self._catalog = catalog
        self._templates = templates
        self._last_message_at = last_message_at
        self._clock = clock
        self._public_base_url = public_base_url
        self._secret_key = secret_key
        self._attempts = attempts
        self._backoff = backoff_seconds

    async def send(
        self, address: str, messages: Sequence[Outbound], *, written_at: datetime | None = None
    ) -> None:
        """``written_at``: when the person wrote the message these answer, if they do; the
        window is open from then even when the contact row is gone (``/forget``)."""
        last = await self._last_message_at(address)
        if written_at is not None and (last is None or written_at > last):
            last = written_at
        for message in messages:
            decision = decide(message, last, self._clock.now(), self._templates)
            if isinstance(decision, Hold):
                raise SendFailed(decision.reason, retryable=True)
            try:
                await self._send_one(address, message, decision)
            except GraphError as error:
                if error.code != RE_ENGAGEMENT:
                    raise self._failure(error) from error
                # WhatsApp says the window is closed after all: a template, or wait.
                fallback = template_for(message, self._templates)
                if isinstance(fallback, Hold):
                    raise SendFailed(fallback.reason, retryable=True) from error
                await self._send_one(address, message, fallback)

    async def _send_one(
        self, address: str, message: Outbound, decision: FreeForm | UseTemplate
    ) -> None:
        if isinstance(decision, UseTemplate):
            await self._post(
                template_message(
                    address,
                    decision.name,
                    decision.language,
                    decision.parameters,
                    decision.payloads,
                )
            )
            return
        for body in render(message, address, self._labels(message.lang)):
            await self._post(body)
        if message.document is not None and message.document.url.startswith("/"):
            # WhatsApp takes no calendar files: a short-lived link to download it instead.
            link = sign(
                self._secret_key, message.document.url, self._clock.now(), CALENDAR_LINK_VALID
            )
            text = self._catalog.text(
                message.lang, "whatsapp.calendar_link", url=f"{self._public_base_url}{link}"
            )
            await self._post(render(Outbound(text, message.lang), address, self._labels("fr"))[0])

    def _labels(self, lang: str) -> Labels:
        lang = lang if lang in self._catalog.codes else self._catalog.default_language
        return Labels(
            list_button=self._catalog.text(lang, "whatsapp.list_button"),
            more=self._catalog.text(lang, "whatsapp.more"),
        )

    async def mark_read(self, message_id: str) -> None:
        try:
            await self._post(read_receipt(message_id), attempts=1)
        except (GraphError, SendFailed) as problem:
            log.info("WhatsApp read receipt not sent: %s", problem)

    async def _post(self, body: dict[str, Any], attempts: int | None = None) -> None:
        tries = attempts or self._attempts
        for attempt in range(tries):
            try:
                response = await self._client.post(self._path, json=body)
            except httpx.TransportError as error:
                problem: Exception = error
            else:
                if response.status_code < 300:
                    return
                problem = _graph_error(response)
                assert isinstance(problem, GraphError)
                if not _retryable(problem):
                    raise problem
            log.info("WhatsApp send attempt %d failed: %s", attempt + 1, _safe(problem))
            if attempt + 1 < tries:
                await asyncio.sleep(self._backoff * 2**attempt)
        raise SendFailed(f"WhatsApp unreachable: {_safe(problem)}", retryable=True)

    @staticmethod
    def _failure(error: GraphError) -> SendFailed:
        log.warning("WhatsApp refused a message: %s", error)
        if error.code in RECIPIENT_INVALID:
            return RecipientUnreachable(str(error))
        return SendFailed(str(error), retryable=False)


def _graph_error(response: httpx.Response) -> GraphError:
    code, title = None, response.reason_phrase
    try:
        error = response.json().get("error", {})
        code = error.get("code") if isinstance(error.get("code"), int) else None
        # The message may quote what was sent; the code and the type name are enough.
        title = str(error.get("type") or title)
    except (ValueError, AttributeError):
        pass
    return GraphError(response.status_code, code, title)


def _retryable(error: GraphError) -> bool:
    return error.status == 429 or error.status >= 500 or error.code in RATE_LIMITED


def _safe(problem: Exception) -> str:
    """An error for the log: its kind and codes, never a URL, number or message text."""
    if isinstance(problem, GraphError):
        return str(problem)
    return type(problem).__name__


class _Reply:
    """The sender for the answers to one message of the person, written at ``written_at``."""

    def __init__(self, sender: WhatsAppSender, written_at: datetime) -> None:
        self._sender = sender
        self._written_at = written_at

    async def send(self, address: str, messages: Sequence[Outbound]) -> None:
        await self._sender.send(address, messages, written_at=self._written_at)


class WhatsAppChannel:
    def __init__(
        self,
        *,
        handler: TurnHandler,
        inbox: Inbox,
        sender: WhatsAppSender,
        clock: Clock,
        app_secret: str,
        verify_token: str,
    ) -> None:
        self._handler = handler
        self._inbox = inbox
        self.sender = sender
        self._clock = clock
        self._app_secret = app_secret.encode()
        self._verify_token = verify_token
        self._in_flight: set[int] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/whatsapp/webhook", self.verify, methods=["GET"]),
            Route("/whatsapp/webhook", self.receive, methods=["POST"]),
        ]

    async def verify(self, request: Request) -> Response:
        mode = request.query_params.get("hub.mode", "")
        token = request.query_params.get("hub.verify_token", "")
        challenge = request.query_params.get("hub.challenge", "")
        if mode == "subscribe" and hmac.compare_digest(
            token.encode(), self._verify_token.encode()
        ):
            return PlainTextResponse(challenge)
        return PlainTextResponse("forbidden", status_code=403)

    async def receive(self, request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES or not self._signed(body, request.headers):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as error:
            # Signed but unreadable: nothing to do, and another answer would make Meta resend
            log.warning(
                "WhatsApp webhook: body skipped, not readable JSON (%s)", type(error).__name__
            )
            return PlainTextResponse("ok")
        messages, statuses = parse_webhook(data)
        if not messages and not statuses and body.strip() not in (b"", b"{}"):
            log.info("WhatsApp webhook: nothing the bot takes in this call")
        now = self._clock.now()
        try:
            if messages:
                await self._inbox.accept(messages, now)
            for status in statuses:
                await self._record(status, now)
        except StorageUnavailable:
            return PlainTextResponse("busy", status_code=503)  # Meta will send it again
        if messages:
            self.schedule()
        return PlainTextResponse("ok")

    def _signed(self, body: bytes, headers: Mapping[str, str]) -> bool:
        given = headers.get(SIGNATURE_HEADER, "")
        if not given.startswith("sha256="):
            return False
        expected = hmac.new(self._app_secret, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(given.removeprefix("sha256=").encode(), expected.encode())

    async def _record(self, status: StatusReport, at: datetime) -> None:
        await self._inbox.record_status(
            CHANNEL, status.message_id, status.status, status.error_code, at
        )
        if status.status == "failed":
            log.warning("WhatsApp could not deliver a message (code %s)", status.error_code)

    def schedule(self) -> None:
        self._track(self._drain_quietly())

    def _track(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self) -> int:
        """Run the turns of the messages waiting in the inbox; the number handled."""
        waiting = [
            (inbox_id, inbound)
            for inbox_id, inbound in await self._inbox.waiting(CHANNEL)
            if inbox_id not in self._in_flight
        ]
        self._in_flight.update(inbox_id for inbox_id, _ in waiting)
        # Tracked one by one: the periodic drain may take a message the webhook's own drain
        # then skips, and ``idle`` must still wait for its turn.
        turns = [self._track(self._process(i, inbound)) for i, inbound in waiting]
        return sum(await asyncio.gather(*turns))

    async def _drain_quietly(self) -> None:
        try:
            await self.drain()
        except StorageUnavailable as problem:
            log.warning("WhatsApp inbox unavailable, the periodic drain will retry: %s", problem)

    async def _process(self, inbox_id: int, inbound: Inbound) -> int:
        try:
            if inbound.message_id is not None:
                await self.sender.mark_read(inbound.message_id)
            # The person wrote just now: their answers go inside the 24-hour window, even
            # the last one of /forget, whose contact row (and its last message time) is gone.
            reply = _Reply(self.sender, self._clock.now())
            await self._handler.handle(inbound, reply)
            await self._inbox.done(inbox_id)
            return 1
        except StorageUnavailable as problem:
            log.warning("WhatsApp message kept for later: %s", problem)
            return 0
        finally:
            self._in_flight.discard(inbox_id)

    async def idle(self) -> None:
        """Wait until the turns scheduled so far have run (graceful stops, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
