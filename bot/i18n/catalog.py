"""Text catalogues: one YAML file per language with the same keys everywhere.

Texts use ``{name}`` placeholders. Loading validates the whole set at once, so a missing
translation or a placeholder typo is a start-up error naming the file and the key, never a
crash in the middle of a conversation.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.i18n.languages import Language, load_languages


class CatalogError(ValueError):
    """The text catalogues are inconsistent; the message names file, key and problem."""


def _placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def _flatten(prefix: str, node: Any, into: dict[str, str], origin: Path) -> None:
    if isinstance(node, str):
        into[prefix] = node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, into, origin)
    else:
        raise CatalogError(f"{origin}: {prefix}: expected text, found {type(node).__name__}")


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every user-facing text, by language then dotted key."""

    languages: tuple[Language, ...]
    texts: Mapping[str, Mapping[str, str]]
    default_language: str = "fr"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    def language(self, code: str) -> Language:
        for language in self.languages:
            if language.code == code:
                return language
        raise KeyError(code)

    def has(self, key: str) -> bool:
        return key in self.texts[self.default_language]

    def text(self, lang: str, key: str, **params: object) -> str:
        texts = self.texts.get(lang) or self.texts[self.default_language]
        return texts[key].format(**params)


def load_catalog(content_dir: Path, default_language: str = "fr") -> Catalog:
    """Load ``languages.yml`` and ``texts/<lang>.yml`` from ``content_dir`` and validate them."""
    languages = load_languages(content_dir / "languages.yml")
    texts: dict[str, dict[str, str]] = {}
    for language in languages:
        path = content_dir / "texts" / f"{language.code}.yml"
        if not path.is_file():
            raise CatalogError(f"{path}: missing catalogue for language {language.code!r}")
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        raw.pop("review", None)
        flat: dict[str, str] = {}
        _flatten("", raw, flat, path)
        texts[language.code] = flat
    if default_language not in texts:
        raise CatalogError(f"default language {default_language!r} has no catalogue")
    _check_consistency(content_dir, texts, default_language)
    return Catalog(languages=languages, texts=texts, default_language=default_language)


def _check_consistency(
    content_dir: Path, texts: Mapping[str, Mapping[str, str]], reference: str
) -> None:
    problems: list[str] = []
    expected = texts[reference]
    for lang, catalog in texts.items():
        path = content_dir / "texts" / f"{lang}.yml"
        for key in sorted(expected.keys() - catalog.keys()):
            problems.append(f"{path}: {key}: missing (present in {reference}.yml)")
        for key in sorted(catalog.keys() - expected.keys()):
            problems.append(f"{path}: {key}: not in {reference}.yml")
        for key in sorted(expected.keys() & catalog.keys()):
            if not catalog[key].strip():
                problems.append(f"{path}: {key}: empty text")
            want, have = _placeholders(expected[key]), _placeholders(catalog[key])
            if want != have:
                problems.append(
                    f"{path}: {key}: placeholders {sorted(have)} differ from {sorted(want)}"
                )
    if problems:
        raise CatalogError("\n".join(problems))
