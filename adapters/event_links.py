"""The links that open an event's details in the chat, one per channel, and their QR codes
for posters: ``/chat?event=<id>`` (web chat), ``https://t.me/<bot>?start=event_<id>``
(Telegram) and ``https://wa.me/<number>?text=/start%20event_<id>`` (WhatsApp's prefilled
text: the same command as Telegram's link, so no language is guessed from a code; the bot
also reads a typed ``event_<id>``). Plain QR codes (``segno.make_qr``: ``segno.make`` would
pick a Micro QR for short links, which phone cameras do not read)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno

from bot.infoweek.model import START_PREFIX

CHANNELS = ("webchat", "telegram", "whatsapp")


@dataclass(frozen=True, slots=True)
class EventLinks:
    public_base_url: str
    telegram_bot: str | None = None  # the bot's username, without @
    whatsapp_number: str | None = None  # the business number, digits only

    def link(self, event: str, channel: str = "webchat") -> str | None:
        code = f"{START_PREFIX}{event}"
        if channel == "telegram":
            return f"https://t.me/{self.telegram_bot}?start={code}" if self.telegram_bot else None
        if channel == "whatsapp":
            if not self.whatsapp_number:
                return None
            return f"https://wa.me/{self.whatsapp_number}?text={quote(f'/start {code}')}"
        if channel == "webchat":
            return f"{self.public_base_url.rstrip('/')}/chat?{urlencode({'event': event})}"
        return None

    def all(self, event: str) -> dict[str, str]:
        links = {channel: self.link(event, channel) for channel in CHANNELS}
        return {channel: link for channel, link in links.items() if link}


def qr_png(link: str) -> bytes:
    out = io.BytesIO()
    segno.make_qr(link, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def qr_svg(link: str) -> str:
    out = io.BytesIO()
    segno.make_qr(link, error="m").save(out, kind="svg", scale=8, border=4, xmldecl=False)
    return out.getvalue().decode()
