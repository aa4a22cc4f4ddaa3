"""What ``passerelle staff add|disable`` and ``passerelle demo`` do with accounts."""

from __future__ import annotations

import secrets
from typing import TextIO

from adapters.clock import SystemClock
from adapters.db.database import make_engine, make_sessions, migrate
from adapters.db.staff_accounts import SqlStaffAccounts
from adapters.settings import Settings
from adapters.staff.passwords import WeakPassword, hash_password


def read_password(stream: TextIO) -> str:
    """One line from stdin (a pipe or the terminal), without its line ending."""
    password = stream.readline().rstrip("\r\n")
    if not password:
        raise WeakPassword("no password on stdin (e.g. `printf '%s' \"$PW\" | passerelle ...`)")
    return password


def add_account(
    settings: Settings, email: str, org: str, role: str, language: str, stdin: TextIO
) -> str:
    password_hash = hash_password(read_password(stdin))
    migrate(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    try:
        account = SqlStaffAccounts(make_sessions(engine)).add(
            email, org, role, password_hash, language, SystemClock().now()
        )
    finally:
        engine.dispose()
    return f"staff account {account.email} ({account.role}, {account.organisation_name}) added"


def disable_account(settings: Settings, email: str) -> str:
    migrate(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    try:
        SqlStaffAccounts(make_sessions(engine)).disable(email, SystemClock().now())
    finally:
        engine.dispose()
    return f"staff account {email} disabled; its sessions are closed"


def demo_accounts(accounts: SqlStaffAccounts, organisations: list[str]) -> list[tuple[str, str]]:
    """One coordinator per demo organisation, with a random password, returned once to be
    printed; an account that already exists keeps its password and is not returned."""
    created = []
    for code in organisations:
        email = f"coordinator@{code.replace('_', '-')}.demo"
        if accounts.exists(email):
            continue
        password = secrets.token_urlsafe(12)
        accounts.add(
            email, code, "coordinator", hash_password(password), "fr", SystemClock().now()
        )
        created.append((email, password))
    return created
