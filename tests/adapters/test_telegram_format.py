"""Translating Telegram updates and the limits of Telegram messages (no network)."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from adapters.telegram_format import (
    CALLBACK_DATA_LIMIT,
    MAX_INBOUND_CHARS,
    TEXT_LIMIT,
    as_html,
    keyboard,
    split_text,
    to_inbound,
)
from bot.engine.messages import Button
from bot.engine.payloads import MAX_PAYLOAD_BYTES

LANGUAGES = ("fr", "nl", "en", "ar")


def update(message: dict[str, Any], update_id: int = 7) -> Update:
    base = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "is_bot": False, "first_name": "A", "language_code": "pt-br"},
    }
    result = Update.de_json({"update_id": update_id, "message": {**base, **message}}, None)
    assert result is not None
    return result


def test_a_text_message_becomes_an_inbound_with_a_hint_and_the_update_id() -> None:
    inbound = to_inbound(update({"text": "  bonjour\x00 "}), LANGUAGES)
    assert inbound is not None
    assert (inbound.text, inbound.payload) == ("bonjour", None)
    assert (inbound.lang_hint, inbound.lang) == ("pt", None)
    assert inbound.message_id == "u7"  # the update id: no chat id is stored to deduplicate
    assert (inbound.user_id, inbound.reply_address) == ("42", "42")


@pytest.mark.parametrize(
    ("text", "expected_text", "lang"),
    [
        ("/start lang_ar", "/start", "ar"),
        ("/start@passerelle_bot lang_nl", "/start", "nl"),
        ("/start lang_xx", "/start lang_xx", None),  # unsupported: the link is not trusted
        ("/start event_12", "/start event_12", None),
        ("/menu lang_ar", "/menu lang_ar", None),
    ],
)
def test_a_deep_link_can_choose_a_supported_language(
    text: str, expected_text: str, lang: str | None
) -> None:
    inbound = to_inbound(update({"text": text}), LANGUAGES)
    assert inbound is not None
    assert (inbound.text, inbound.lang) == (expected_text, lang)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ({"voice": {"file_id": "a", "file_unique_id": "a", "duration": 3}}, "voice"),
        (
            {
                "sticker": {
                    "file_id": "a",
                    "file_unique_id": "a",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                }
            },
            "sticker",
        ),
        ({"location": {"latitude": 1.0, "longitude": 2.0}}, "location"),
        ({"document": {"file_id": "a", "file_unique_id": "a"}}, "document"),
        ({"text": "   "}, "other"),
    ],
)
def test_what_the_bot_cannot_read_becomes_a_media_payload(
    content: dict[str, Any], kind: str
) -> None:
    inbound = to_inbound(update(content), LANGUAGES)
    assert inbound is not None
    assert (inbound.text, inbound.payload) == (None, f"media:{kind}")


def test_a_very_long_text_is_cut_to_what_the_engine_reads() -> None:
    inbound = to_inbound(update({"text": "a" * 5000}), LANGUAGES)
    assert inbound is not None
    assert inbound.text is not None
    assert len(inbound.text) == MAX_INBOUND_CHARS


def test_group_messages_are_not_conversations() -> None:
    group = {"chat": {"id": -5, "type": "group", "title": "G"}, "text": "bonjour"}
    assert to_inbound(update(group), LANGUAGES) is None


def test_long_texts_are_split_on_paragraphs_within_the_limit() -> None:
    paragraphs = ["x" * 3000, "y" * 3000, "z" * 100]
    pieces = split_text("\n\n".join(paragraphs))
    assert pieces == ["x" * 3000, "y" * 3000 + "\n\n" + "z" * 100]
    assert all(len(piece) <= TEXT_LIMIT for piece in pieces)


def test_a_text_without_spaces_is_still_split_within_the_limit() -> None:
    pieces = split_text("w" * 9000)
    assert [len(piece) for piece in pieces] == [4096, 4096, 808]


def test_a_short_text_is_one_piece() -> None:
    assert split_text("Bonjour !") == ["Bonjour !"]


def test_html_special_characters_are_escaped() -> None:
    assert as_html("<b>1 & 2</b>") == "&lt;b&gt;1 &amp; 2&lt;/b&gt;"


def test_buttons_are_one_per_row() -> None:
    markup = keyboard([Button("Oui", "a:q:YES"), Button("Non", "a:q:NO")])
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Oui"], ["Non"]]
    assert keyboard([]) is None


def test_every_payload_the_engine_writes_fits_telegrams_callback_data() -> None:
    # The codec refuses longer payloads (tests/engine/test_payloads.py), so the keyboard
    # never has to leave a button out.
    assert MAX_PAYLOAD_BYTES <= CALLBACK_DATA_LIMIT
