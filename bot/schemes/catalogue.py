"""The scheme catalogue: one YAML file per scheme in ``flows/schemes/``, checked at load.

Facts come from the checked domain notes (schemes.md), each file with its sources, the date
they were verified and a confidence. Texts exist in every supported language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.flows.conditions import Condition, ConditionError, parse_condition, parse_predicates
from bot.understanding.normalize import fold, words

BUTTON_MAX_CHARS = 20
TEXT_FIELDS = ("names", "button", "summary", "details", "because")
CONFIDENCES = ("high", "medium", "low")
# A "scheme" is support one may get; "information" is something one must know or do (a
# professional card, proof of skills), shown as "good to know" when it applies.
KINDS = ("scheme", "information")


class SchemeError(ValueError):
    """A scheme file is invalid; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Source:
    url: str
    title: str


@dataclass(frozen=True, slots=True)
class Caveat:
    text: Mapping[str, str]
    when: Condition | None = None


@dataclass(frozen=True, slots=True)
class Amount:
    when: Condition
    amount: int


@dataclass(frozen=True, slots=True)
class Scheme:
    id: str
    kind: str
    verified_on: date
    confidence: str
    regions: tuple[str, ...]
    sources: tuple[Source, ...]
    texts: Mapping[str, Mapping[str, str]]  # field -> language -> text
    aliases: tuple[str, ...]
    eligible: Condition | None  # None: information only, never a result
    amounts: tuple[Amount, ...] = ()
    caveats: tuple[Caveat, ...] = ()

    def text(self, field: str, lang: str) -> str:
        return self.texts[field][lang]


@dataclass(frozen=True, slots=True)
class SchemeCatalogue:
    schemes: Mapping[str, Scheme]
    predicates: Mapping[str, Condition]

    def results(self) -> list[Scheme]:
        return [scheme for scheme in self.schemes.values() if scheme.eligible is not None]

    def stale(self, today: date, max_age_days: int = 183) -> list[Scheme]:
        return [s for s in self.schemes.values() if (today - s.verified_on).days > max_age_days]

    def named_in(self, text: str) -> Scheme | None:
        """A scheme whose name or alias the person typed ("c'est quoi tremplin")."""
        folded = fold(text)
        typed = set(words(folded))
        for scheme in self.schemes.values():
            for alias in scheme.aliases:
                alias_folded = fold(alias)
                if alias_folded in typed or (" " in alias_folded and alias_folded in folded):
                    return scheme
        return None


def load_predicates(path: Path) -> dict[str, Condition]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        return parse_predicates(raw.get("predicates") or {})
    except ConditionError as error:
        raise SchemeError(f"{path}: {error}") from error


def load_schemes(directory: Path, languages: Sequence[str]) -> SchemeCatalogue:
    """Scheme files carry their fr, nl and en texts; the other languages' texts may live in
    ``texts/<lang>.yml`` beside them (by scheme id), so a translator edits one file."""
    predicates = load_predicates(directory / "_predicates.yml")
    overlays = _overlays(directory / "texts", languages)
    schemes = {}
    for path in sorted(directory.glob("*.yml")):
        if path.name.startswith("_"):
            continue
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            _merge_overlays(raw, overlays)
            scheme = _scheme(path, raw, predicates, languages)
        except (ConditionError, KeyError, TypeError, ValueError) as error:
            raise SchemeError(f"{path}: {error}") from error
        schemes[scheme.id] = scheme
    return SchemeCatalogue(schemes=schemes, predicates=predicates)


def _overlays(directory: Path, languages: Sequence[str]) -> dict[str, dict[str, Any]]:
    found = {}
    for lang in languages:
        path = directory / f"{lang}.yml"
        if path.is_file():
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            raw.pop("review", None)
            found[lang] = raw
    return found


def _merge_overlays(raw: dict[str, Any], overlays: Mapping[str, Mapping[str, Any]]) -> None:
    """Fill each text field's missing languages from the per-language files."""
    scheme_id = str(raw.get("id"))
    for lang, overlay in overlays.items():
        texts = overlay.get(scheme_id) or {}
        for field in TEXT_FIELDS:
            if field in texts and lang not in (raw.get(field) or {}):
                raw.setdefault(field, {})[lang] = texts[field]
        for caveat, text in zip(
            raw.get("caveats") or [], texts.get("caveats") or [], strict=False
        ):
            caveat["text"].setdefault(lang, text)


def _condition(text: Any, predicates: Mapping[str, Condition]) -> Condition | None:
    return None if text is None else parse_condition(str(text), predicates)


def _texts(raw: Mapping[str, Any], languages: Sequence[str]) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for field in TEXT_FIELDS:
        by_language = raw[field]
        missing = [lang for lang in languages if not str(by_language.get(lang, "")).strip()]
        if missing:
            raise SchemeError(f"{field}: missing in {', '.join(missing)}")
        texts[field] = {lang: str(by_language[lang]).strip() for lang in languages}
    too_long = [lang for lang, label in texts["button"].items() if len(label) > BUTTON_MAX_CHARS]
    if too_long:
        raise SchemeError(f"button: longer than {BUTTON_MAX_CHARS} characters in {too_long}")
    return texts


def _scheme(
    path: Path, raw: Any, predicates: Mapping[str, Condition], languages: Sequence[str]
) -> Scheme:
    if raw.get("id") != path.stem:
        raise SchemeError(f"id must be the file name ({path.stem!r})")
    if raw.get("kind", "scheme") not in KINDS:
        raise SchemeError(f"kind must be one of {KINDS}")
    if raw.get("confidence") not in CONFIDENCES:
        raise SchemeError(f"confidence must be one of {CONFIDENCES}")
    sources = tuple(Source(str(s["url"]), str(s.get("title", s["url"]))) for s in raw["sources"])
    if not sources:
        raise SchemeError("at least one source is needed")
    caveats = []
    for item in raw.get("caveats") or []:
        text = {lang: str(item["text"][lang]) for lang in languages}
        caveats.append(Caveat(text=text, when=_condition(item.get("when"), predicates)))
    return Scheme(
        id=path.stem,
        kind=str(raw.get("kind", "scheme")),
        verified_on=date.fromisoformat(str(raw["verified_on"])),
        confidence=str(raw["confidence"]),
        regions=tuple(str(region) for region in raw.get("regions") or ()),
        sources=sources,
        texts=_texts(raw, languages),
        aliases=tuple(str(alias).lower() for alias in raw.get("aliases") or ()),
        eligible=_condition(raw.get("eligible"), predicates),
        amounts=tuple(
            Amount(when=parse_condition(str(a["when"]), predicates), amount=int(a["amount"]))
            for a in raw.get("amounts") or ()
        ),
        caveats=tuple(caveats),
    )
