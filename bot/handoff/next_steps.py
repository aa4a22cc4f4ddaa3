"""Telling the person honestly what happens next: the usual wait within the desk's opening
hours, or when the team is back (Brussels time, public holidays), with an appointment offered;
and the button back to the bot."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date, format_time

from bot.engine.buttons import CommandButton, MenuButton
from bot.engine.messages import Button
from bot.engine.turn import Turn
from bot.handoff.desks import Desk
from bot.handoff.hours import BRUSSELS, is_open, next_opening

# The booking feature's menu item, offered when the team is away.
APPOINTMENT_MENU_ITEM = "appointment"
BACK_COMMAND = "bot"


def back_button(turn: Turn) -> Button:
    return turn.button("handoff.back_to_bot", CommandButton(BACK_COMMAND))


def say_what_happens(turn: Turn, desk: Desk) -> None:
    back = back_button(turn)
    if is_open(desk, turn.now):
        turn.say("handoff.open_now", (back,), organisation=desk.name, minutes=desk.answer_minutes)
        return
    book = turn.button("handoff.book_instead", MenuButton(APPOINTMENT_MENU_ITEM))
    opening = next_opening(desk, turn.now)
    if opening is None:
        turn.say("handoff.closed_for_now", (book, back), organisation=desk.name)
        return
    turn.say(
        "handoff.open_later",
        (book, back),
        organisation=desk.name,
        day=_day(turn, opening),
        time=format_time(opening, "HH:mm", locale=turn.locale),
    )


def _day(turn: Turn, opening: datetime) -> str:
    today = turn.now.astimezone(BRUSSELS).date()
    if opening.date() == today:
        return turn.text("handoff.today")
    return format_date(opening, format="EEEE d MMMM", locale=turn.locale)
