"""Appointments with staff: availability, slots, bookings, reminders."""
