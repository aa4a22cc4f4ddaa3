"""The 24-hour customer-service window: the one place that decides how a message may go.

Inside the window (24 hours after the person's last message) anything may be sent. Outside
it only an approved template: the message's ``purpose`` names one in
``flows/whatsapp_templates.yml``. Otherwise the message waits until the person writes again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from adapters.whatsapp_format import CHANNEL
from bot.booking.reminders import REMINDER_PURPOSE
from bot.engine.messages import Outbound

WINDOW = timedelta(hours=24)
# Sending takes a moment: keep a margin so a message decided as inside does not land outside.
MARGIN = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    languages: Mapping[str, str]
    fallback: tuple[str, ...]
    parameters: tuple[str, ...]
    # Quick-reply buttons of the template: the payloads of the message's first buttons go
    # in them, so "I can't come" works outside the window too.
    quick_replies: int = 0


@dataclass(frozen=True, slots=True)
class FreeForm:
    pass


@dataclass(frozen=True, slots=True)
class UseTemplate:
    name: str
    language: str
    parameters: tuple[str, ...]
    payloads: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hold:
    reason: str


Decision = FreeForm | UseTemplate | Hold


def load_templates(path: Path) -> dict[str, Template]:
    if not path.is_file():
        return {}
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    templates = {}
    for purpose, item in (raw.get("templates") or {}).items():
        templates[str(purpose)] = Template(
            name=str(item["name"]),
            languages={str(k): str(v) for k, v in (item.get("languages") or {}).items()},
            fallback=tuple(str(code) for code in item.get("fallback") or ()),
            parameters=tuple(str(name) for name in item.get("parameters") or ()),
            quick_replies=int(item.get("quick_replies") or 0),
        )
    return templates


def template_languages(templates: Mapping[str, Template], purpose: str) -> tuple[str, ...]:
    """Our language codes in which a message of this purpose can reach someone at any time."""
    template = templates.get(purpose)
    return tuple(template.languages) if template is not None else ()


def reminder_languages(templates: Mapping[str, Template]) -> dict[str, tuple[str, ...]]:
    """For the booking store: WhatsApp reminds only in the languages of its reminder template
    (Telegram can always write; web chat reminders are never sent). Without that template
    nothing is asked: WhatsApp reminders are then held."""
    languages = template_languages(templates, REMINDER_PURPOSE)
    return {CHANNEL: languages} if languages else {}


def inside_window(last_message_at: datetime | None, now: datetime) -> bool:
    return last_message_at is not None and now - last_message_at < WINDOW - MARGIN


def decide(
    message: Outbound,
    last_message_at: datetime | None,
    now: datetime,
    templates: Mapping[str, Template],
) -> Decision:
    if inside_window(last_message_at, now):
        return FreeForm()
    return template_for(message, templates)


def template_for(message: Outbound, templates: Mapping[str, Template]) -> Decision:
    template = templates.get(message.purpose or "")
    if template is None:
        return Hold("outside the 24-hour window and no template for this message")
    params = dict(message.params)
    if any(name not in params for name in template.parameters):
        return Hold(f"template {template.name}: a parameter is missing")
    language = _language(template, message.lang)
    if language is None:
        return Hold(f"template {template.name}: no approved language")
    values: Sequence[str] = [params[name] for name in template.parameters]
    payloads = tuple(button.payload for button in message.buttons[: template.quick_replies])
    return UseTemplate(template.name, language, tuple(values), payloads)


def _language(template: Template, lang: str) -> str | None:
    for code in (lang, *template.fallback):
        if code in template.languages:
            return template.languages[code]
    return None
