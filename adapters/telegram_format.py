"""Pure translation between Telegram updates and the engine's messages (no I/O here).

Telegram limits checked here: 4096 characters of text per message (counted after entity
parsing, so on the raw text). Its 64 bytes of callback data per button are the payload
codec's limit (bot/engine/payloads.py): no payload the engine writes is longer.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatType

from bot.engine.messages import Button, Inbound

log = logging.getLogger(__name__)

CHANNEL = "telegram"
TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
# The engine needs no more to understand a message, and the NLU is slower on long texts.
MAX_INBOUND_CHARS = 2000
INT64 = 2**63  # Telegram ids fit in 64 bits signed; anything larger is forged
LANGUAGE_DEEP_LINK = re.compile(r"lang_([a-z]{2,3})")
# Attachments the bot cannot read, by the Message attribute that carries them.
MEDIA_KINDS = (
    "voice",
    "audio",
    "video_note",
    "video",
    "photo",
    "sticker",
    "animation",
    "location",
    "venue",
    "contact",
    "document",
    "poll",
    "dice",
    "story",
)


def update_problem(data: Any) -> str | None:
    """Why a signed webhook body is not an update the bot can take (a short reason for the
    log, with no content); None when it is. Only the fields the bot reads are checked, and
    python-telegram-bot trusts their types, so they are checked here first."""
    if not isinstance(data, dict):
        return f"the body is a JSON {type(data).__name__}, not an object"
    if not _is_int(data.get("update_id")):
        return "update_id is not a number"
    for name in ("message", "edited_message"):
        if name in data:
            problem = _message_problem(data[name])
            if problem:
                return f"{name}: {problem}"
    if "callback_query" in data:
        query = data["callback_query"]
        if not isinstance(query, dict) or not isinstance(query.get("id"), str):
            return "callback_query has no id"
        if not isinstance(query.get("data", ""), str):
            return "callback_query data is not a string"
        problem = _user_problem(query.get("from")) or (
            _message_problem(query["message"]) if query.get("message") is not None else None
        )
        if problem:
            return f"callback_query: {problem}"
    if "my_chat_member" in data:
        member = data["my_chat_member"]
        if not isinstance(member, dict):
            return "my_chat_member is not an object"
        new = member.get("new_chat_member")
        problem = _chat_problem(member.get("chat")) or _user_problem(member.get("from"))
        if problem or not isinstance(new, dict) or not isinstance(new.get("status"), str):
            return f"my_chat_member: {problem or 'no new member status'}"
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < INT64


def _chat_problem(chat: Any) -> str | None:
    if not isinstance(chat, dict):
        return "no chat"
    if not _is_int(chat.get("id")) or not isinstance(chat.get("type"), str):
        return "the chat has no numeric id or no type"
    return None


def _user_problem(user: Any) -> str | None:
    if not isinstance(user, dict) or not _is_int(user.get("id")):
        return "the sender has no numeric id"
    if not isinstance(user.get("language_code", ""), str | None):
        return "the sender's language is not a string"
    return None


def _message_problem(message: Any) -> str | None:
    if not isinstance(message, dict):
        return "not an object"
    if not _is_int(message.get("message_id")) or not _is_int(message.get("date")):
        return "no numeric message_id or date"
    if not isinstance(message.get("text", ""), str | None):
        return "text is not a string"
    problem = _chat_problem(message.get("chat"))
    if problem is None and message.get("from") is not None:
        problem = _user_problem(message["from"])
    return problem


def to_inbound(update: Update, languages: Sequence[str]) -> Inbound | None:
    """The engine's Inbound for a private message or button press; None for anything else
    (edited messages, group chats, service messages)."""
    message_id = f"u{update.update_id}"
    query = update.callback_query
    if query is not None:
        if query.message is None or query.message.chat.type != ChatType.PRIVATE or not query.data:
            return None
        return Inbound(
            channel=CHANNEL,
            user_id=str(query.from_user.id),
            payload=query.data[:CALLBACK_DATA_LIMIT],
            lang_hint=language_hint(query.from_user),
            message_id=message_id,
            reply_address=str(query.message.chat.id),
        )
    message = update.message
    if message is None or message.chat.type != ChatType.PRIVATE or message.from_user is None:
        return None
    text, lang = _deep_link(clean_text(message.text or ""), languages)
    return Inbound(
        channel=CHANNEL,
        user_id=str(message.from_user.id),
        text=text or None,
        payload=None if text else f"media:{media_kind(message)}",
        lang=lang,
        lang_hint=language_hint(message.from_user),
        message_id=message_id,
        reply_address=str(message.chat.id),
    )


def clean_text(text: str) -> str:
    printable = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    return printable.strip()[:MAX_INBOUND_CHARS]


def _deep_link(text: str, languages: Sequence[str]) -> tuple[str, str | None]:
    """``/start lang_ar`` (a t.me link) chooses the language; other payloads reach the engine."""
    command, _, argument = text.partition(" ")
    if command.split("@", 1)[0] != "/start":
        return text, None
    match = LANGUAGE_DEEP_LINK.fullmatch(argument.strip())
    if match and match.group(1) in languages:
        return "/start", match.group(1)
    return text, None


def language_hint(user: User | None) -> str | None:
    """Telegram's app language (``pt-br`` -> ``pt``): a hint, never a choice."""
    if user is None or not user.language_code:
        return None
    return user.language_code.split("-", 1)[0].lower()


def media_kind(message: Message) -> str:
    return next((kind for kind in MEDIA_KINDS if getattr(message, kind, None)), "other")


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at paragraphs, then lines, then words."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or window.rfind(" ")
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def as_html(text: str) -> str:
    """Every character literal: a person's own words echoed back can never become markup."""
    return html.escape(text, quote=False)


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One button per row: labels stay readable on a phone in every language."""
    rows = [
        [InlineKeyboardButton(text=button.title, callback_data=button.payload)]
        for button in buttons
    ]
    return InlineKeyboardMarkup(rows) if rows else None
