"""Which language a reminder is written in when the person's channel cannot write theirs.

WhatsApp writes first only with an approved template, and Meta has none in Pashto, Tigrinya
or Somali: after booking, their speakers choose a language they also read, or no reminder.
The buttons carry the booking reference and the language (``-`` for none) and are checked
against this turn's calendar, never trusted.
"""

from __future__ import annotations

from bot.booking.buttons import ReminderLanguage
from bot.booking.events import ReminderLanguageChosen
from bot.booking.offer import BookingCalendar
from bot.engine.messages import Button
from bot.engine.payloads import encode
from bot.engine.turn import Turn

MAX_LANGUAGES_OFFERED = 3
NO_REMINDER = "-"


def reminder_languages(turn: Turn, calendar: BookingCalendar) -> tuple[str, ...] | None:
    """The languages the person's channel can remind in that the bot also speaks; None: any."""
    if calendar.reminder_languages is None:
        return None
    return tuple(code for code in calendar.reminder_languages if code in turn.catalog.codes)


def ask(turn: Turn, reference: str, readable: tuple[str, ...]) -> None:
    """Offers the languages many speakers of the person's language also read, or none."""
    also_reads = turn.catalog.language(turn.lang).also_reads
    offered = [code for code in also_reads if code in readable] or list(readable)
    buttons = [
        Button(turn.catalog.language(code).native_name, encode(ReminderLanguage(reference, code)))
        for code in offered[:MAX_LANGUAGES_OFFERED]
    ]
    buttons.append(turn.button("booking.no_reminder", ReminderLanguage(reference, NO_REMINDER)))
    turn.say("booking.reminder_language_prompt", tuple(buttons))


def answer(turn: Turn, calendar: BookingCalendar, reference: str, code: str) -> None:
    """Records the choice pressed if it still makes sense."""
    if reference not in {appointment.reference for appointment in calendar.upcoming}:
        turn.say("booking.not_found")
        return
    readable = reminder_languages(turn, calendar)
    if not readable or (code != NO_REMINDER and code not in readable):
        turn.say("booking.expired")
        return
    if code == NO_REMINDER:
        turn.emit(ReminderLanguageChosen(reference, None))
        turn.say("booking.no_reminder_set")
        return
    turn.emit(ReminderLanguageChosen(reference, code))
    turn.say("booking.reminder_language_set", language=turn.catalog.language(code).native_name)
