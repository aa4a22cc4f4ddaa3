"""The pre-qualification summary staff see, when the person agreed to share it.

Written for staff in their languages (French, Dutch, English): each answered question's short
name and the answer's label, per language; sensitive answers included, since the person chose
this organisation to see them. The consent answer itself is not a fact about the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.engine.state import Answer
from bot.flows.spec import SKIPPED, Flow, NodeKind
from bot.i18n.catalog import Catalog

STAFF_LANGUAGES = ("fr", "nl", "en")


def staff_summary(
    catalog: Catalog, flows: Mapping[str, Flow], answers: Mapping[str, Answer]
) -> dict[str, Any] | None:
    """``{"items": [{"label": {lang: ...}, "value": {lang: ...}}]}``, None with no answers."""
    items = []
    for flow in flows.values():
        for node in flow.nodes.values():
            if node.kind != NodeKind.ASK or node.save is None or node.key is None:
                continue
            if node.consent is not None or node.save not in answers:
                continue
            answer = answers[node.save]
            codes = [answer] if isinstance(answer, str) else list(answer)
            items.append(
                {
                    "label": {
                        lang: catalog.text(lang, f"{node.key}.short") for lang in _langs(catalog)
                    },
                    "value": {
                        lang: ", ".join(_label(catalog, lang, node.key, code) for code in codes)
                        for lang in _langs(catalog)
                    },
                }
            )
    return {"items": items} if items else None


def _langs(catalog: Catalog) -> tuple[str, ...]:
    return tuple(lang for lang in STAFF_LANGUAGES if lang in catalog.codes)


def _label(catalog: Catalog, lang: str, key: str, code: str) -> str:
    if code == SKIPPED:
        return catalog.text(lang, "handoff.summary_skipped")
    option = f"{key}.options.{code}"
    # A question without fixed options (a number, a typed answer) keeps what was written.
    return catalog.text(lang, option) if catalog.has(option) else code
