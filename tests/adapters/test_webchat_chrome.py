"""The web chat page speaks every supported language: one complete CHROME block per language."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from adapters.settings import PROJECT_DIR
from bot.i18n.languages import load_languages

CHAT_JS = PROJECT_DIR / "adapters" / "webchat_static" / "chat.js"
LANGUAGES = [lang.code for lang in load_languages(PROJECT_DIR / "flows" / "languages.yml")]

# The object is written one entry a line; anything else inside it is an error, not skipped.
OBJECT = re.compile(r"^const CHROME = \{\n(?P<body>.*?)\n\};$", re.MULTILINE | re.DOTALL)
OPEN = re.compile(r"^  (?P<lang>[a-z]{2,3}): \{$")
ENTRY = re.compile(r'^    (?P<key>[A-Za-z]+): (?P<value>"(?:[^"\\]|\\.)*"),$')
CLOSE = "  },"
PLACEHOLDER = re.compile(r"\{\w+\}")


def read_chrome() -> dict[str, dict[str, str]]:
    found = OBJECT.search(CHAT_JS.read_text(encoding="utf-8"))
    assert found, "no `const CHROME = {...};` in chat.js"
    chrome: dict[str, dict[str, str]] = {}
    block: dict[str, str] | None = None
    for number, line in enumerate(found["body"].splitlines(), start=1):
        opening, entry = OPEN.match(line), ENTRY.match(line)
        if opening and block is None:
            assert opening["lang"] not in chrome, f"CHROME.{opening['lang']} appears twice"
            block = chrome[opening["lang"]] = {}
        elif entry and block is not None:
            assert entry["key"] not in block, f"line {number}: {entry['key']} appears twice"
            # A double-quoted JS string with \uXXXX escapes reads the same as JSON.
            block[entry["key"]] = json.loads(entry["value"])
        elif line == CLOSE and block is not None:
            block = None
        else:
            pytest.fail(f"CHROME line {number} is not understood: {line!r}")
    assert block is None, "the last CHROME block is not closed"
    return chrome


CHROME = read_chrome()


def test_every_supported_language_has_a_block_and_no_other_language_does() -> None:
    assert sorted(CHROME) == sorted(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_block_has_exactly_the_english_keys(lang: str) -> None:
    assert list(CHROME.get(lang, {})) == list(CHROME["en"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_block_keeps_the_placeholders_and_the_name(lang: str) -> None:
    block = CHROME.get(lang, {})
    for key, english in CHROME["en"].items():
        value = block.get(key, "")
        assert value.strip(), f"{lang}.{key} is empty"
        assert sorted(PLACEHOLDER.findall(value)) == sorted(PLACEHOLDER.findall(english)), key
    assert block.get("title") == "Passerelle"
    assert block.get("bot", "").startswith("Passerelle")


def test_the_page_script_is_valid_javascript() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    result = subprocess.run(
        [node, "--check", str(CHAT_JS)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_page_draws_its_user_id_at_random_in_the_form_the_api_accepts() -> None:
    """The id is the only key to a web chat conversation: 128 random bits or more."""
    from adapters.webchat import USER_ID

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    source = CHAT_JS.read_text(encoding="utf-8")
    parts = [
        re.search(rf"^const {name} = .*$", source, re.MULTILINE)
        for name in ("ID_ALPHABET", "USER_ID")
    ]
    function = re.search(r"^function newUserId\(\) \{\n.*?\n\}$", source, re.MULTILINE | re.DOTALL)
    assert all(parts), "chat.js: ID_ALPHABET or USER_ID not found"
    assert function, "chat.js: newUserId() not found"
    assert "crypto.getRandomValues" in function[0]
    script = "\n".join(
        [
            *(part[0] for part in parts if part),
            function[0],
            "const ids = Array.from({length: 200}, newUserId);",
            "console.log(JSON.stringify({ids, page: ids.every((id) => USER_ID.test(id))}));",
        ]
    )
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    drawn = json.loads(result.stdout)
    assert drawn["page"], "the page accepts its own ids"
    assert len(set(drawn["ids"])) == 200
    for user in drawn["ids"]:
        assert USER_ID.fullmatch(user), user
        assert len(user) * 6 >= 128  # 64 symbols: 6 random bits each
