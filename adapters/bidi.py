"""Left-to-right pieces inside right-to-left messages, for channels that show plain text
(Telegram, WhatsApp): commands, reference codes, amounts, phone numbers, times and web
addresses are wrapped in Unicode isolates (LRI ... PDI), so that "/forget" does not show as
"forget/" in Arabic and "HB-AGV6" keeps its order. The web chat does the same with <bdi>
(webchat_static/chat.js, the same patterns)."""

from __future__ import annotations

import re

from bot.engine.messages import RTL_LANGUAGES

LRI, PDI = "\u2066", "\u2069"
ISOLATED = re.compile(
    "|".join(
        (
            r"https?://\S+",
            r"/[a-z]{2,20}\b",
            r"\b[A-Z]{2}-[A-Z0-9]{4,6}\b",
            r"\d[\d\u00a0\u202f .,]*\d\s?(?:EUR|€)",
            r"\d+\s?(?:EUR|€)",
            r"\b0\d{2,3}(?:[ \u00a0]\d{2,3}){2,3}\b",
            r"\b\d{1,2}:\d{2}\b",
        )
    )
)


def isolated(text: str, lang: str) -> str:
    """``text`` with its left-to-right pieces isolated, when ``lang`` is written right to
    left; unchanged otherwise."""
    if lang not in RTL_LANGUAGES:
        return text
    return ISOLATED.sub(lambda match: f"{LRI}{match.group(0)}{PDI}", text)
