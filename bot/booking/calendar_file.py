"""The ``.ics`` file of an appointment: no personal data, only reference, type and place."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Alarm, Calendar, Event

from bot.booking.model import Appointment

PRODID = "-//Passerelle//Booking//FR"


def appointment_ics(appointment: Appointment, domain: str, summary: str) -> str:
    calendar = Calendar.new(prodid=PRODID, method="PUBLISH")
    event = Event.new(
        uid=f"booking-{appointment.reference}@{domain}",
        start=appointment.starts_at,
        end=appointment.ends_at,
        summary=f"{summary} ({appointment.reference})",
        location=_location(appointment),
    )
    if appointment.status == "cancelled":
        event.add("status", "CANCELLED")
        event.add("sequence", 1)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(hours=-24))
    event.add_component(alarm)
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics.decode()


def _location(appointment: Appointment) -> str:
    if appointment.remote:
        return f"{appointment.organisation}: {appointment.place}"
    parts = [appointment.organisation, appointment.place, appointment.address]
    return ", ".join(part for part in parts if part)


def staff_feed_ics(appointments: list[Appointment], domain: str, name: str) -> str:
    """A staff member's calendar feed: reference and type only, never anything about the
    person (no language, no answers)."""
    calendar = Calendar.new(prodid=PRODID, method="PUBLISH", name=name)
    for appointment in appointments:
        event = Event.new(
            uid=f"booking-{appointment.reference}@{domain}",
            start=appointment.starts_at,
            end=appointment.ends_at,
            summary=f"{appointment.reference} ({appointment.appointment_type})",
            location=_location(appointment),
        )
        if appointment.status == "cancelled":
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics.decode()
