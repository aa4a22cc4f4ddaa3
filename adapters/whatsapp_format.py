"""Pure translation between WhatsApp Cloud API payloads and the engine's messages (no I/O).

WhatsApp's limits, all applied here and only here: text 4096 characters; at most 3 reply
buttons of 20 characters; a list of at most 10 rows (titles 24, descriptions 72, its button
20); an interactive body of 1024 characters. More than 10 choices are sent as several lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from adapters.bidi import isolated
from adapters.telegram_format import split_text
from bot.engine.messages import Button, Inbound, Outbound

CHANNEL = "whatsapp"
TEXT_LIMIT = 4096
BODY_LIMIT = 1024
REPLY_BUTTONS = 3
BUTTON_TITLE = 20
LIST_ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
LIST_BUTTON = 20
ID_LIMIT = 200
# The delivery statuses WhatsApp reports; anything else is left out.
STATUSES = frozenset({"sent", "delivered", "read", "failed", "deleted", "warning"})
MAX_INBOUND_CHARS = 2000
# What a person may send that the bot cannot read, by the message ``type`` WhatsApp gives.
MEDIA_TYPES = frozenset(
    {
        "audio",
        "voice",
        "image",
        "video",
        "document",
        "sticker",
        "location",
        "contacts",
        "reaction",
        "unsupported",
        "order",
        "system",
    }
)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut on a word when possible, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if text[limit - 1] != " " and space >= limit // 2:  # not already at a word's end
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


@dataclass(frozen=True, slots=True)
class StatusReport:
    """A delivery status of a message we sent: no content, no phone number."""

    message_id: str
    status: str
    error_code: int | None


@dataclass(frozen=True, slots=True)
class Labels:
    """Texts the rendering needs, in the message's language."""

    list_button: str
    more: str


def parse_webhook(data: Any) -> tuple[list[Inbound], list[StatusReport]]:
    """The messages and statuses of one webhook call; anything unknown is left out."""
    inbound: list[Inbound] = []
    statuses: list[StatusReport] = []
    if not isinstance(data, dict) or data.get("object") != "whatsapp_business_account":
        return inbound, statuses
    for entry in _list(data.get("entry")):
        for change in _list(entry.get("changes") if isinstance(entry, dict) else None):
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            senders = _senders(_list(value.get("contacts")))
            for message in _list(value.get("messages")):
                parsed = _message(message, senders)
                if parsed is not None:
                    inbound.append(parsed)
            for status in _list(value.get("statuses")):
                report = _status(status)
                if report is not None:
                    statuses.append(report)
    return inbound, statuses


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _senders(contacts: list[Any]) -> dict[str, str]:
    """Sender id -> the id the contact is keyed on: the phone number (wa_id) when WhatsApp
    gives one, else the business-scoped user id of a person who hides their number."""
    ids: dict[str, str] = {}
    for contact in contacts:
        if not isinstance(contact, dict):
            continue
        wa_id, user_id = contact.get("wa_id"), contact.get("user_id")
        key = wa_id or user_id
        if _is_id(key):
            for known in (wa_id, user_id):
                if _is_id(known):
                    ids[known] = key
    return ids


def _message(message: Any, senders: Mapping[str, str]) -> Inbound | None:
    if not isinstance(message, dict):
        return None
    message_id, kind = message.get("id"), message.get("type")
    sender = message.get("from") or message.get("from_user_id")
    if not _is_id(message_id) or not _is_id(sender):
        return None
    user = senders.get(sender, sender)
    common = {"channel": CHANNEL, "user_id": user, "message_id": message_id, "reply_address": user}
    if kind == "text":
        body = (
            message.get("text", {}).get("body") if isinstance(message.get("text"), dict) else None
        )
        text = _clean(body) if isinstance(body, str) else ""
        if text:
            return Inbound(text=text, **common)  # type: ignore[arg-type]
        return Inbound(payload="media:other", **common)  # type: ignore[arg-type]
    payload = _choice(message)
    if payload is not None:
        return Inbound(payload=payload, **common)  # type: ignore[arg-type]
    media = kind if kind in MEDIA_TYPES else "other"
    if media == "audio" and isinstance(message.get("audio"), dict):
        media = "voice" if message["audio"].get("voice") else "audio"
    return Inbound(payload=f"media:{media}", **common)  # type: ignore[arg-type]


def _choice(message: dict[str, Any]) -> str | None:
    """The id of a pressed reply button or list row, or a template quick reply's payload."""
    kind = message.get("type")
    if kind == "interactive" and isinstance(message.get("interactive"), dict):
        interactive = message["interactive"]
        reply = interactive.get(interactive.get("type")) if isinstance(interactive, dict) else None
        if isinstance(reply, dict) and isinstance(reply.get("id"), str):
            return str(reply["id"])[:ID_LIMIT]
    if kind == "button" and isinstance(message.get("button"), dict):
        payload = message["button"].get("payload")
        if isinstance(payload, str):
            return payload[:ID_LIMIT]
    return None


def _status(status: Any) -> StatusReport | None:
    if not isinstance(status, dict):
        return None
    message_id, state = status.get("id"), status.get("status")
    if not _is_id(message_id) or state not in STATUSES:
        return None
    code = None
    errors = _list(status.get("errors"))
    if errors and isinstance(errors[0], dict):
        given = errors[0].get("code")
        # Graph error codes are small numbers; a larger one is kept as unknown.
        if isinstance(given, int) and not isinstance(given, bool) and 0 <= given < 2**31:
            code = given
    return StatusReport(message_id, state, code)


def _is_id(value: Any) -> TypeGuard[str]:
    """A platform id we can keep (hashed) and use: a string of sensible length."""
    return isinstance(value, str) and 0 < len(value) <= ID_LIMIT


def _clean(text: str) -> str:
    printable = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    return printable.strip()[:MAX_INBOUND_CHARS]


# Outbound -------------------------------------------------------------------------------------


def render(message: Outbound, to: str, labels: Labels) -> list[dict[str, Any]]:
    """The Graph API ``/messages`` bodies for one engine message, in order."""
    buttons = [b for b in message.buttons if len(b.payload) <= ID_LIMIT]
    text = isolated(message.text, message.lang)
    if not buttons:
        return [_text(to, piece) for piece in split_text(text, TEXT_LIMIT)]
    bodies: list[dict[str, Any]] = []
    body = text
    if len(body) > BODY_LIMIT:
        bodies += [_text(to, piece) for piece in split_text(body, TEXT_LIMIT)]
        body = labels.list_button
    if len(buttons) <= REPLY_BUTTONS:
        bodies.append(_reply_buttons(to, body, buttons))
        return bodies
    pages = [buttons[i : i + LIST_ROWS] for i in range(0, len(buttons), LIST_ROWS)]
    for number, page in enumerate(pages):
        bodies.append(_list_message(to, body if number == 0 else labels.more, page, labels))
    return bodies


def _base(to: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}


def _text(to: str, text: str) -> dict[str, Any]:
    return {**_base(to), "type": "text", "text": {"body": text, "preview_url": False}}


def _reply_buttons(to: str, body: str, buttons: Sequence[Button]) -> dict[str, Any]:
    return {
        **_base(to),
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {
                        "type": "reply",
                        "reply": {"id": b.payload, "title": shorten(b.title, BUTTON_TITLE)},
                    }
                    for b in buttons
                ]
            },
        },
    }


def _list_message(to: str, body: str, rows: Sequence[Button], labels: Labels) -> dict[str, Any]:
    return {
        **_base(to),
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": shorten(labels.list_button, LIST_BUTTON),
                "sections": [{"rows": [_row(b) for b in rows]}],
            },
        },
    }


def _row(button: Button) -> dict[str, str]:
    row = {"id": button.payload, "title": shorten(button.title, ROW_TITLE)}
    if len(" ".join(button.title.split())) > ROW_TITLE:
        row["description"] = shorten(button.title, ROW_DESCRIPTION)  # the whole label
    return row


def template_message(
    to: str, name: str, language: str, parameters: Sequence[str], payloads: Sequence[str] = ()
) -> dict[str, Any]:
    component = {
        "type": "body",
        # Meta refuses template values with a line break, a tab or 5 spaces in a row.
        "parameters": [
            {"type": "text", "text": shorten(" ".join(p.split()), 1024)} for p in parameters
        ],
    }
    buttons = [
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": str(index),
            "parameters": [{"type": "payload", "payload": payload}],
        }
        for index, payload in enumerate(payloads)
    ]
    return {
        **_base(to),
        "type": "template",
        "template": {
            "name": name,
            "language": {"code": language},
            "components": ([component] if parameters else []) + buttons,
        },
    }


def read_receipt(message_id: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "status": "read", "message_id": message_id}
