"""The letters of a message narrow its language before any word is looked up."""

from __future__ import annotations

import pytest

from bot.understanding.scripts import candidates

ALL = ("fr", "nl", "en", "ar", "tr", "es", "ro", "uk", "ru", "pt", "fa", "ps", "ti", "so", "pl")


@pytest.mark.parametrize(
    ("text", "settled"),
    [
        ("ሰላም", "ti"),  # Tigrinya: Ethiopic letters
        ("Привіт, як справи?", "uk"),  # і
        ("Здравствуйте, мы хотим", "ru"),  # ы
        ("ښه راغلاست", "ps"),  # ښ only in Pashto
        ("مرحبا، كيف حالك؟", "ar"),  # ك ي
        ("سلام", None),  # shared by Arabic, Persian and Pashto
        ("bonjour", None),
    ],
)
def test_some_letters_settle_the_language(text: str, settled: str | None) -> None:
    assert candidates(text, ALL)[1] == settled


def test_persian_letters_leave_persian_and_pashto() -> None:
    allowed, settled = candidates("من می‌خواهم کار کنم", ALL)
    assert (allowed, settled) == (("fa", "ps"), None)


def test_latin_letters_leave_arabizi_possible() -> None:
    allowed, _ = candidates("salam 3likom bghit khdma", ALL)
    assert "ar" in allowed
    assert "uk" not in allowed


def test_only_supported_languages_are_candidates() -> None:
    assert candidates("ሰላም", ("fr", "nl", "en")) == ((), None)
    assert candidates("👍 123", ALL) == ((), None)
