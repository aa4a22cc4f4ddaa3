"""The staff console (``/staff``): accounts, the handoff inbox, bookings, the audit log.
``staff_routes`` is what the app mounts; see docs/staff-console.md."""
