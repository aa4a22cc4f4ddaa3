"""Text catalogues: complete in every language, consistent placeholders, buttons that fit."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n.catalog import CatalogError, load_catalog
from tests.support.builders import CONTENT_DIR, catalog

WHATSAPP_BUTTON_CHARS = 20
FLOW_BUTTONS = {"flow.prefer_not_to_say", "flow.done", "flow.resume", "flow.restart", "flow.menu"}
BUTTON_KEYS = sorted(
    key
    for key in catalog().texts["fr"]
    if (key.startswith("menu.") and key != "menu.prompt")
    or ".options." in key
    or key.endswith(".short")
    or key in FLOW_BUTTONS
)


def test_every_language_has_every_key() -> None:
    keys = {lang: set(texts) for lang, texts in catalog().texts.items()}
    assert all(found == keys["fr"] for found in keys.values())


@pytest.mark.parametrize("lang", catalog().codes)
@pytest.mark.parametrize("key", BUTTON_KEYS)
def test_button_labels_fit_whatsapp_reply_buttons(lang: str, key: str) -> None:
    assert len(catalog().text(lang, key)) <= WHATSAPP_BUTTON_CHARS


def test_language_names_fit_buttons_too() -> None:
    assert all(
        len(language.native_name) <= WHATSAPP_BUTTON_CHARS for language in catalog().languages
    )


def _copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "flows"
    (target / "texts").mkdir(parents=True)
    (target / "languages.yml").write_text((CONTENT_DIR / "languages.yml").read_text())
    for path in (CONTENT_DIR / "texts").glob("*.yml"):
        (target / "texts" / path.name).write_text(path.read_text(encoding="utf-8"))
    return target


def test_a_missing_key_names_the_file_and_the_key(tmp_path: Path) -> None:
    content = _copy_content(tmp_path)
    nl = content / "texts" / "nl.yml"
    nl.write_text(nl.read_text(encoding="utf-8").replace('thanks: "Graag gedaan!"\n', ""))
    with pytest.raises(CatalogError, match=r"nl\.yml: thanks: missing"):
        load_catalog(content)


def test_a_placeholder_typo_is_refused(tmp_path: Path) -> None:
    content = _copy_content(tmp_path)
    en = content / "texts" / "en.yml"
    en.write_text(en.read_text(encoding="utf-8").replace("{days} days", "{dayz} days"))
    with pytest.raises(CatalogError, match=r"en\.yml: privacy: placeholders \['dayz'\]"):
        load_catalog(content)


def test_a_language_without_a_catalogue_is_refused(tmp_path: Path) -> None:
    content = _copy_content(tmp_path)
    languages = content / "languages.yml"
    languages.write_text(
        languages.read_text(encoding="utf-8")
        + "  - code: de\n    name: Deutsch\n    locale: de_BE\n"
    )
    with pytest.raises(CatalogError, match=r"de\.yml: missing catalogue"):
        load_catalog(content)


def test_languages_also_read_are_supported_ones(tmp_path: Path) -> None:
    assert catalog().language("ps").also_reads[0] == "fa"  # Dari, for Afghan Pashto speakers
    content = _copy_content(tmp_path)
    languages = content / "languages.yml"
    languages.write_text(
        languages.read_text(encoding="utf-8").replace(
            "also_reads: [fa, en, fr]", "also_reads: [de]"
        )
    )
    with pytest.raises(ValueError, match=r"ps: also_reads \['de'\]"):
        load_catalog(content)
