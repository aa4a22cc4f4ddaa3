"""Persistence: SQLAlchemy 2 models, the stores implementing ``bot.ports``, migrations."""
