"""The wire form of every button payload, in one place: typed values in, short strings out.

A payload type is a frozen dataclass with a ``TAG`` (``"bk:s"``, ``"a"``) and fields of type
``str`` or ``int``; its wire form is the tag and the fields joined by ``:``
(``bk:s:3:1:29401620``). Fields with a default may be left off the end. Every payload fits
Telegram's 64 bytes of callback data, the smallest limit of our channels: ``encode`` refuses
longer ones, so no channel ever has to cut one. ``decode`` never raises: a forged, garbled or
stale payload comes back as ``NotUnderstood``, with its kind when the kind is known, so the
feature owning that kind can answer it kindly.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, Protocol

MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data limit
SEPARATOR = ":"
FIELD_VALUE = re.compile(r"[A-Za-z0-9_.\-]+")
# An int field holds at most 9 ASCII digits: any id or minute the bot sends fits (a minute
# since the epoch has 8 digits until the year 2160), so a forged one cannot overflow a
# database integer or a date.
MAX_INT_DIGITS = 9


class PayloadTooLong(ValueError):
    """A payload would not fit in a button on every channel (a content or code problem)."""


class PayloadType(Protocol):
    TAG: ClassVar[str]


@dataclass(frozen=True, slots=True)
class NotUnderstood:
    """A payload no feature can read; ``kind`` is its first segment when that kind exists."""

    raw: str
    kind: str | None = None


def kind_of(payload_type: type[PayloadType]) -> str:
    """``bk`` for ``bk:s``: the unit a feature claims."""
    return payload_type.TAG.split(SEPARATOR, 1)[0]


@cache
def _fields(payload_type: type[Any]) -> tuple[tuple[str, type, bool], ...]:
    """(name, str or int, has a default) of each field, in order."""
    hints = typing.get_type_hints(payload_type)
    described = []
    for item in dataclasses.fields(payload_type):
        kind = hints[item.name]
        if kind not in (str, int):
            raise TypeError(f"{payload_type.__name__}.{item.name}: payload fields are str or int")
        optional = item.default is not dataclasses.MISSING
        described.append((item.name, kind, optional))
    return tuple(described)


def encode(payload: PayloadType) -> str:
    """The wire form; raises PayloadTooLong past 64 bytes and ValueError on unsafe values."""
    parts = [payload.TAG]
    trailing: list[str] = []
    for name, _kind, optional in _fields(type(payload)):
        value = getattr(payload, name)
        if optional and value == _default(type(payload), name):
            trailing.append(str(value))  # left off, unless a later field is set
            continue
        parts += [*trailing, str(value)]
        trailing = []
    for text in parts[1:]:
        if not FIELD_VALUE.fullmatch(text):
            raise ValueError(f"{payload.TAG}: {text!r} cannot go in a payload")
    wire = SEPARATOR.join(parts)
    if len(wire.encode()) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLong(f"payload {wire[:80]!r} is over {MAX_PAYLOAD_BYTES} bytes")
    return wire


def _default(payload_type: type[Any], name: str) -> object:
    return next(f.default for f in dataclasses.fields(payload_type) if f.name == name)


class PayloadCodec:
    """Reads payloads of the types it was built with (every feature's, from the registry)."""

    def __init__(self, types: Iterable[type[PayloadType]]) -> None:
        self._by_tag: dict[str, type[PayloadType]] = {}
        for payload_type in types:
            if payload_type.TAG in self._by_tag:
                raise ValueError(f"payload tag {payload_type.TAG!r} is declared twice")
            _fields(payload_type)  # fails now, at start, on a field type the wire cannot carry
            self._by_tag[payload_type.TAG] = payload_type
        self._kinds = {kind_of(t) for t in self._by_tag.values()}

    def decode(self, raw: str) -> PayloadType | NotUnderstood:
        segments = raw.split(SEPARATOR)
        kind = segments[0] if segments[0] in self._kinds else None
        if len(raw.encode(errors="surrogatepass")) > MAX_PAYLOAD_BYTES:
            return NotUnderstood(raw, kind)
        for width in (2, 1):  # "bk:s" before "bk"
            payload_type = self._by_tag.get(SEPARATOR.join(segments[:width]))
            if payload_type is not None and len(segments) >= width:
                value = _build(payload_type, segments[width:])
                if value is not None:
                    return value
        return NotUnderstood(raw, kind)


def _build(payload_type: type[PayloadType], values: list[str]) -> PayloadType | None:
    fields = _fields(payload_type)
    required = sum(1 for _name, _kind, optional in fields if not optional)
    if not required <= len(values) <= len(fields):
        return None
    arguments: dict[str, object] = {}
    for (name, kind, _optional), text in zip(fields, values, strict=False):
        if not FIELD_VALUE.fullmatch(text):
            return None
        if kind is int:
            if not text.isascii() or not text.isdigit() or len(text) > MAX_INT_DIGITS:
                return None
            arguments[name] = int(text)
        else:
            arguments[name] = text
    return payload_type(**arguments)


def command_name(text: str | None) -> str | None:
    """``/start@passerelle_bot payload`` -> ``start``; None when the text is no command."""
    if text is None or not text.startswith("/"):
        return None
    word = text[1:].split(maxsplit=1)[0] if len(text) > 1 else ""
    return word.split("@", 1)[0].lower()
