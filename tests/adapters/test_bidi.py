"""Left-to-right pieces of right-to-left messages on Telegram and WhatsApp."""

from __future__ import annotations

from adapters.bidi import LRI, PDI, isolated
from adapters.whatsapp_format import render
from bot.engine.messages import Outbound


def test_commands_codes_amounts_numbers_and_times_are_isolated_in_arabic() -> None:
    text = "اكتب /forget. رمزك HB-AGV6 الساعة 09:00، حتى 25 000 EUR، اتصل 0800 30 030"
    out = isolated(text, "ar")
    for piece in ("/forget", "HB-AGV6", "09:00", "25 000 EUR", "0800 30 030"):
        assert f"{LRI}{piece}{PDI}" in out
    assert out.replace(LRI, "").replace(PDI, "") == text


def test_left_to_right_languages_are_left_alone() -> None:
    assert isolated("Écrivez /forget, code HB-AGV6", "fr") == "Écrivez /forget, code HB-AGV6"


def test_whatsapp_sends_the_isolated_text() -> None:
    [body] = render(Outbound("اكتب /menu", "fa"), "32470123456", labels=None)  # type: ignore[arg-type]
    assert body["text"]["body"] == f"اكتب {LRI}/menu{PDI}"
