"""How an appointment reads in the chat: its day and time, its place, a slot button."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date, format_time

from bot.booking.model import Appointment, PlaceInfo
from bot.booking.slots import BRUSSELS
from bot.engine.turn import Turn

SLOT_LABEL_CHARS = 20  # WhatsApp's reply button limit
SLOT_DAY_PATTERNS = ("EEE d MMM", "EEE d/M", "d/M")


def where(remote: bool, name: str | None, address: str | None, remote_text: str) -> str:
    """ "microStart Bruxelles, Rue de Fiennes 77", or "by phone or video"."""
    if remote:
        return remote_text
    return ", ".join(part for part in (name, address) if part)


def place_text(turn: Turn, place: PlaceInfo) -> str:
    return where(place.remote, place.name, place.address, turn.text("booking.remote"))


def appointment_place(turn: Turn, appointment: Appointment) -> str:
    return where(
        appointment.remote, appointment.place, appointment.address, turn.text("booking.remote")
    )


def place_label(turn: Turn, place: PlaceInfo) -> str:
    if place.remote:
        return turn.text("booking.remote_button")
    return (place.city or place.name)[:SLOT_LABEL_CHARS]


def day_and_time(turn: Turn, moment: datetime) -> str:
    local = moment.astimezone(BRUSSELS)
    day = format_date(local, format="full", locale=turn.locale)
    return turn.text("booking.when", day=day, time=format_time(local, "HH:mm", locale=turn.locale))


def short_when(moment: datetime, locale: str) -> str:
    """A slot button label of at most 20 characters, "mar. 24 nov. 09:00": where the weekday
    and month names are long ("پينځنۍ 26 نومبر") the date gets shorter, never the time."""
    local = moment.astimezone(BRUSSELS)
    time = format_time(local, format="HH:mm", locale=locale)
    for pattern in SLOT_DAY_PATTERNS:
        label = f"{format_date(local, format=pattern, locale=locale)} {time}"
        if len(label) <= SLOT_LABEL_CHARS:
            return label
    return time
