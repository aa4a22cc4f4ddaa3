"""Typing a button's title means pressing it: a property over every screen of buttons the
transcripts show and every question, menu and handoff choice of the 15 languages."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.flows.spec import NodeKind
from bot.understanding.typed_buttons import bare, typed_button
from tests.support import builders

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "transcripts"


def transcript_screens() -> Iterator[tuple[str, ...]]:
    for path in sorted(TRANSCRIPTS.glob("*.yml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            for turn in case["turns"]:
                for message in turn.get("expect", []):
                    if message.get("buttons"):
                        yield tuple(message["buttons"])


def content_screens() -> Iterator[tuple[str, ...]]:
    """Each language's main menu, every question's options, the handoff's choices."""
    content = builders.content()
    catalog = content.catalog
    engine = builders.engine()
    for lang in catalog.codes:
        yield tuple(catalog.text(lang, f"menu.{item}") for item in engine.registry.menu_items)
        for flow in content.flows.values():
            for node in flow.nodes.values():
                if node.kind == NodeKind.ASK and node.key and node.options:
                    yield tuple(
                        catalog.text(lang, f"{node.key}.options.{o}") for o in node.options
                    )
        yield (
            *(desk.name for desk in content.handoff.desks.desks.values()),
            catalog.text(lang, "handoff.desk_unsure"),
        )
        yield (catalog.text(lang, "handoff.share_yes"), catalog.text(lang, "handoff.share_no"))
        yield (
            catalog.text(lang, "handoff.transfer_yes"),
            catalog.text(lang, "handoff.transfer_no"),
        )


SCREENS = sorted(set(transcript_screens()) | set(content_screens()))


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def typo(title: str) -> str | None:
    """Two neighbouring letters swapped in the middle of a long enough title."""
    if len(title) < 8:
        return None
    middle = len(title) // 2
    a, b = title[middle - 1], title[middle]
    if not (a.isalpha() and b.isalpha()) or a == b:
        return None
    return title[: middle - 1] + b + a + title[middle + 1 :]


def test_there_are_screens_of_every_language() -> None:
    assert len(SCREENS) > 300


@pytest.mark.parametrize("titles", SCREENS, ids=lambda titles: " | ".join(titles)[:60])
def test_typing_a_title_presses_that_button(titles: tuple[str, ...]) -> None:
    distinct = {bare(title) for title in titles}
    assert len(distinct) == len(titles), f"two buttons read the same: {titles}"
    for index, title in enumerate(titles):
        for variant in (title, title.upper(), title.lower(), strip_accents(title), f"{title} !"):
            assert typed_button(variant, titles) == index, (variant, titles)
        assert typed_button(f"{index + 1}", titles) == index
        misspelt = typo(title)
        if misspelt is not None:
            # A typo is that button or, when it reads like another too, nobody: never another.
            assert typed_button(misspelt, titles) in (index, None), (misspelt, titles)


def test_text_that_only_shares_a_word_with_a_title_is_left_to_the_nlu() -> None:
    titles = ("Retour au menu", "Retour au robot", "Prendre rendez-vous")
    assert typed_button("retour", titles) is None
    assert typed_button("je veux prendre rendez-vous demain", titles) is None
    assert typed_button("retour au robt", titles) == 1
    assert typed_button("7", titles) is None
