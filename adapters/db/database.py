"""Engines, sessions and migrations for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """``hide_parameters``: a database error never carries a statement's values (message ids,
    encrypted addresses, texts) into an exception message or the log."""
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": 15}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class SchemaNotCurrent(Exception):
    """The database is not at the revision this version of the code needs."""


def migrate(url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade to ``revision``; returns the revisions before and after (equal: nothing to do).

    On PostgreSQL the upgrade holds an advisory lock keyed on the current schema, so replicas
    started together migrate one after the other: the first upgrades, the others find the
    schema at head and do nothing. SQLite is the embedded, one-process database: no lock."""
    config = alembic_config(url)
    if make_url(url).get_backend_name() != "postgresql":
        before = current_revision(url)
        command.upgrade(config, revision)
        return before, current_revision(url)
    lock_engine = make_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with lock_engine.connect() as lock:
            lock.execute(text(MIGRATION_LOCK_SQL))
            try:
                before = current_revision(url)
                command.upgrade(config, revision)
                return before, current_revision(url)
            finally:
                lock.execute(text(MIGRATION_UNLOCK_SQL))
    finally:
        lock_engine.dispose()


# One lock per schema: deployments (and test schemas) sharing a database do not wait on each
# other. Session-level, on a connection of its own, so it spans Alembic's transactions.
_MIGRATION_KEY = "hashtext('passerelle.migrate.' || coalesce(current_schema(), ''))"
MIGRATION_LOCK_SQL = f"SELECT pg_advisory_lock({_MIGRATION_KEY})"
MIGRATION_UNLOCK_SQL = f"SELECT pg_advisory_unlock({_MIGRATION_KEY})"


def current_revision(url: str) -> str | None:
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def prepare_schema(url: str, migrate_at_start: bool) -> None:
    """At the app's start: migrate (the embedded default), or, when migrations are run apart
    (``PASSERELLE_MIGRATE=0``, ``passerelle migrate``), refuse a schema that is not current."""
    if migrate_at_start:
        migrate(url)
        return
    current, head = current_revision(url), head_revision()
    if current != head:
        raise SchemaNotCurrent(
            f"the database is at revision {current or 'none (empty)'} and this version needs "
            f"{head}: run `passerelle migrate` first (PASSERELLE_MIGRATE=0 says migrations "
            "are run apart from the app)"
        )


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure means "not healthy"; the reason is logged by the caller
        return False
    return True
