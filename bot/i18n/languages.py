"""The supported languages, as listed in ``flows/languages.yml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True, slots=True)
class Language:
    """A supported language: its code, its own name in its own script, and its Babel locale.

    ``also_reads``: languages many of its speakers also read, offered when a message cannot be
    written in this one (WhatsApp has no reminder template in Pashto, Tigrinya or Somali)."""

    code: str
    native_name: str
    locale: str
    rtl: bool = False
    also_reads: tuple[str, ...] = ()


def load_languages(path: Path) -> tuple[Language, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = raw.get("languages") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: expected a non-empty list under 'languages'")
    languages = []
    for index, entry in enumerate(entries):
        try:
            languages.append(
                Language(
                    code=str(entry["code"]),
                    native_name=str(entry["name"]),
                    locale=str(entry["locale"]),
                    rtl=bool(entry.get("rtl", False)),
                    also_reads=tuple(str(code) for code in entry.get("also_reads") or ()),
                )
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"{path}: languages[{index}]: missing {error}") from error
    codes = [language.code for language in languages]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{path}: a language code is listed twice")
    for language in languages:
        unknown = [code for code in language.also_reads if code not in codes]
        if unknown or language.code in language.also_reads:
            raise ValueError(f"{path}: {language.code}: also_reads {unknown or language.code}")
    return tuple(languages)
