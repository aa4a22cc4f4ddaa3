"""The ``.ics`` file of an event sign-up: the code, the session and its place, nothing about
the person."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Alarm, Calendar, Event

from bot.infoweek.model import InfoEvent

PRODID = "-//Passerelle//Info week//FR"


def signup_ics(event: InfoEvent, reference: str, title: str, where: str, domain: str) -> str:
    calendar = Calendar.new(prodid=PRODID, method="PUBLISH")
    entry = Event.new(
        uid=f"event-{reference}@{domain}",
        start=event.starts_at,
        end=event.ends_at,
        summary=f"{title} ({reference})",
        location=where,
    )
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)
    alarm.add("trigger", timedelta(hours=-2))
    entry.add_component(alarm)
    calendar.add_component(entry)
    ics: bytes = calendar.to_ical()
    return ics.decode()
