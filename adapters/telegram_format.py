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

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatType

from bot.engine.messages import Button, Inbound

log = logging.getLogger(__name__)

CHANNEL = "telegram"
TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
# The engine needs no more to understand a message, and the NLU is slower on long texts.
MAX_INBOUND_CHARS = 2000
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
