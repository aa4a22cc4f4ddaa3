"""The console speaks French, Dutch and English: every text in all three, every text a
template asks for exists, and the language follows the account or the browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from adapters.staff.console import TEMPLATES_DIR
from adapters.staff.i18n import TEXTS_FILE, StaffTexts, choose_language

TEXTS = StaffTexts.load()
ASKED = re.compile(r"""\bt\(\s*["']([\w.]+)["']""")
LABELLED = re.compile(r"""\blabel\(\s*["'](\w+)["']""")


def test_a_text_missing_in_one_language_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match=r"login.title.nl"):
        StaffTexts({"login.title": {"fr": "Connexion", "en": "Login"}})


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES_DIR.glob("*.html")))
def test_every_text_a_template_asks_for_exists(template: str) -> None:
    source = (TEMPLATES_DIR / template).read_text(encoding="utf-8")
    missing = [key for key in ASKED.findall(source) if key not in TEXTS.keys]
    assert missing == []
    for prefix in LABELLED.findall(source):
        assert any(key.startswith(f"{prefix}.") for key in TEXTS.keys), prefix


def test_the_texts_file_is_where_the_console_reads_it() -> None:
    assert TEXTS_FILE.is_file()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nl-BE,nl;q=0.9,en;q=0.8", "nl"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9,en;q=0.5,fr;q=0.7", "fr"),
        ("ar,tr", "fr"),
        (None, "fr"),
        ("nl;q=0, en", "en"),
        ("en;q=bad, nl", "nl"),
    ],
)
def test_the_browser_language_is_the_best_of_the_three(header: str | None, expected: str) -> None:
    assert choose_language(header) == expected


@pytest.mark.parametrize(
    ("lang", "minutes", "expected"),
    [("fr", 4, "4 min"), ("nl", 125, "2 u 05"), ("en", 60, "1 h 00"), ("fr", -3, "0 min")],
)
def test_waiting_times_read_at_a_glance(lang: str, minutes: int, expected: str) -> None:
    assert TEXTS.waited(lang, timedelta(minutes=minutes)) == expected
