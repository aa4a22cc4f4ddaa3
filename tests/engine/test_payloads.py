"""The payload codec: typed values to wire strings and back; forged or garbled payloads read
as "not understood", never as an exception; nothing over Telegram's 64 bytes goes out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest

from bot.booking.buttons import ChooseSlot, Confirm, ReminderLanguage
from bot.engine.buttons import AnswerButton, CommandButton, ResumeButton
from bot.engine.payloads import (
    MAX_PAYLOAD_BYTES,
    NotUnderstood,
    PayloadCodec,
    PayloadTooLong,
    encode,
)
from tests.support.builders import engine


@pytest.fixture(scope="module")
def codec() -> PayloadCodec:
    return engine().registry.codec


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (CommandButton("menu"), "cmd:menu"),
        (AnswerButton("q12_gender", "W"), "a:q12_gender:W"),
        (ResumeButton(), "flow:resume"),
        (ChooseSlot(3, 1, 29401620), "bk:s:3:1:29401620"),
        (Confirm(), "bk:y"),
        (Confirm("share"), "bk:y:share"),
        (ReminderLanguage("MS-7K4Q", "-"), "bk:rl:MS-7K4Q:-"),
    ],
)
def test_a_payload_has_the_wire_form_old_buttons_carry(
    codec: PayloadCodec, value: object, wire: str
) -> None:
    assert encode(value) == wire  # type: ignore[arg-type]
    assert codec.decode(wire) == value


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("bk:s:1:1", "bk"),  # a field missing
        ("bk:s:one:1:2", "bk"),  # not a number
        ("bk:s:1:1:2:3", "bk"),  # one too many
        ("bk:p:-1", "bk"),
        ("bk:zz:1", "bk"),  # no such step
        ("a:q1", "a"),
        ("a:q1:X:Y", "a"),
        ("a:q1:<script>", "a"),
        ("s:", "s"),
        ("menu:", "menu"),
        ("slot:2024-01-01", None),  # no feature owns "slot"
        ("", None),
        (":::", None),
        ("a:" + "x" * 70 + ":Y", "a"),  # longer than any button may be
        ("bk:s:١:1:2", "bk"),  # Arabic-Indic digit
    ],
)
def test_forged_or_garbled_payloads_are_not_understood_with_their_kind(
    codec: PayloadCodec, raw: str, kind: str | None
) -> None:
    assert codec.decode(raw) == NotUnderstood(raw, kind)


def test_nothing_longer_than_telegram_allows_is_encoded() -> None:
    fits = AnswerButton("n" * 30, "c" * (MAX_PAYLOAD_BYTES - len("a::") - 30))
    assert len(encode(fits)) == MAX_PAYLOAD_BYTES
    with pytest.raises(PayloadTooLong):
        encode(AnswerButton("n" * 31, "c" * (MAX_PAYLOAD_BYTES - len("a::") - 30)))


def test_a_value_that_would_break_the_wire_form_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot go in a payload"):
        encode(AnswerButton("q1", "A:B"))


def test_a_payload_type_with_a_field_the_wire_cannot_carry_fails_at_start() -> None:
    @dataclass(frozen=True)
    class Odd:
        TAG: ClassVar[str] = "odd"
        ratio: float

    with pytest.raises(TypeError, match="str or int"):
        PayloadCodec([Odd])


def test_every_button_the_engine_sent_in_a_whole_conversation_decodes(
    codec: PayloadCodec,
) -> None:
    """The engine's own buttons always read back as typed values, never 'not understood'."""
    from tests.engine.test_runner import FR, resume, run

    bot = engine()
    session = bot.new_session(FR)
    payloads: list[str] = []
    for step in ("menu:prequalification", "a:consent:ACCEPT", "menu:schemes", "s:tremplin"):
        session, events = run(bot, session, resume(payload=step))
        payloads += [
            b.payload for e in events for b in getattr(getattr(e, "message", None), "buttons", ())
        ]
    assert payloads
    assert [p for p in payloads if isinstance(codec.decode(p), NotUnderstood)] == []
