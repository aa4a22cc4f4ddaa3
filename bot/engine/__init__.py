"""The pure conversation engine: ``(session, resume) -> (session, events)``."""
