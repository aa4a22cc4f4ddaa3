"""The console's texts in French, Dutch and English (texts.yml), and the choice between them:
the account's language once logged in, else the browser's Accept-Language, else French."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml

from adapters.db.staff_accounts import CONSOLE_LANGUAGES

TEXTS_FILE = Path(__file__).resolve().parent / "texts.yml"
DEFAULT_LANGUAGE = "fr"


class StaffTexts:
    def __init__(self, texts: dict[str, dict[str, str]]) -> None:
        missing = [
            f"{key}.{lang}"
            for key, by_language in texts.items()
            for lang in CONSOLE_LANGUAGES
            if not by_language.get(lang)
        ]
        if missing:
            raise ValueError(f"{TEXTS_FILE.name}: missing texts: {', '.join(missing)}")
        self._texts = texts

    @classmethod
    def load(cls, path: Path = TEXTS_FILE) -> StaffTexts:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    @property
    def keys(self) -> list[str]:
        return list(self._texts)

    def text(self, lang: str, key: str, **values: object) -> str:
        template = self._texts[key][lang if lang in CONSOLE_LANGUAGES else DEFAULT_LANGUAGE]
        return template.format(**values) if values else template

    def waited(self, lang: str, waited: timedelta) -> str:
        """A waiting time as staff read it at a glance: '4 min', '2 h 05'."""
        minutes = max(0, int(waited.total_seconds() // 60))
        if minutes < 60:
            return self.text(lang, "time.minutes", n=minutes)
        return self.text(lang, "time.hours", h=minutes // 60, m=f"{minutes % 60:02d}")


def choose_language(accept_language: str | None) -> str:
    """The first of fr/nl/en the browser asks for (by q-value), else French."""
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.split("-")[0].lower()
        if primary in CONSOLE_LANGUAGES and quality > 0:
            wanted.append((-quality, position, primary))
    return min(wanted)[2] if wanted else DEFAULT_LANGUAGE
