"""Logging in and out, the session cookie, expiry, disabled accounts and throttling."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import Engine, func, select
from starlette.applications import Starlette

from adapters.db.database import make_sessions
from adapters.db.staff_accounts import SqlStaffAccounts
from adapters.db.staff_models import LoginAttempt, StaffSession
from adapters.staff.auth import SESSION_TTL
from adapters.staff.login import (
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_ADDRESS,
    THROTTLE_WINDOW,
)
from tests.conftest import DATABASES
from tests.staff.world import NOW, MovableClock, Side, client, login

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)


def count(db: Engine, model: type[object]) -> int:
    with db.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)) or 0)


async def test_login_opens_a_server_side_session_behind_a_strict_http_only_cookie(
    browser: httpx.AsyncClient, world: tuple[Side, Side], db: Engine
) -> None:
    answer = await login(browser, world[0].coordinator)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/inbox"
    cookie = next(
        h for h in answer.headers.get_list("set-cookie") if h.startswith("passerelle_staff=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/staff" in cookie
    assert "Secure" not in cookie, "plain http in this test: a Secure cookie would never return"
    assert count(db, StaffSession) == 1
    inbox = await browser.get("/staff/inbox")
    assert inbox.status_code == 200
    assert world[0].contact_code in inbox.text


async def test_the_cookie_is_secure_when_the_public_url_is_https(
    db: Engine, clock: MovableClock, world: tuple[Side, Side]
) -> None:
    from starlette.applications import Starlette as App

    from adapters.staff.routes import staff_routes
    from tests.staff.world import settings

    app = App(routes=staff_routes(settings("https://passerelle.example"), db, clock))
    async with client(app) as browser:
        form = await browser.get("/staff/login")
    assert "; Secure" in form.headers["set-cookie"]


async def test_a_wrong_password_is_refused_and_counted(
    browser: httpx.AsyncClient, world: tuple[Side, Side], db: Engine
) -> None:
    answer = await login(browser, world[0].coordinator, "not the password")

    assert answer.status_code == 401
    assert "Wrong e-mail or password" in answer.text or "incorrect" in answer.text
    assert count(db, StaffSession) == 0
    with db.connect() as connection:
        assert connection.execute(select(LoginAttempt.succeeded)).scalars().all() == [False]
    assert (await browser.get("/staff/inbox")).status_code == 303


async def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(
    browser: httpx.AsyncClient, world: tuple[Side, Side]
) -> None:
    unknown = await login(browser, "nobody@example.org")
    wrong = await login(browser, world[0].coordinator, "not the password")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.text == wrong.text.replace(*_csrf_pair(wrong.text, unknown.text))


def _csrf_pair(one: str, other: str) -> tuple[str, str]:
    from tests.staff.world import CSRF

    first, second = CSRF.search(one), CSRF.search(other)
    assert first
    assert second
    return first[1], second[1]


async def test_login_without_the_form_token_is_forbidden_and_not_even_counted(
    browser: httpx.AsyncClient, world: tuple[Side, Side], db: Engine
) -> None:
    await browser.get("/staff/login")
    answer = await browser.post(
        "/staff/login",
        data={"email": world[0].coordinator, "password": "x", "csrf_token": "forged"},
    )
    assert answer.status_code == 403
    assert count(db, LoginAttempt) == 0
    assert count(db, StaffSession) == 0


async def test_logout_ends_the_session_on_the_server(
    browser: httpx.AsyncClient, world: tuple[Side, Side], db: Engine
) -> None:
    await login(browser, world[0].coordinator)
    token = (
        (await browser.get("/staff/inbox"))
        .text.split('name="csrf-token" content="')[1]
        .split('"')[0]
    )
    stolen = dict(browser.cookies)

    answer = await browser.post("/staff/logout", data={"csrf_token": token})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/login"
    assert count(db, StaffSession) == 0
    browser.cookies.update(stolen)  # a copy of the old cookie opens nothing
    assert (await browser.get("/staff/inbox")).status_code == 303


async def test_a_session_expires(
    browser: httpx.AsyncClient, world: tuple[Side, Side], clock: MovableClock
) -> None:
    await login(browser, world[0].coordinator)
    clock.current = NOW + SESSION_TTL - timedelta(minutes=1)
    assert (await browser.get("/staff/inbox")).status_code == 200
    clock.current = NOW + SESSION_TTL + timedelta(minutes=1)
    assert (await browser.get("/staff/inbox")).status_code == 303


async def test_disabling_an_account_ends_its_sessions_and_its_logins(
    browser: httpx.AsyncClient, world: tuple[Side, Side], db: Engine
) -> None:
    await login(browser, world[0].adviser)
    SqlStaffAccounts(make_sessions(db)).disable(world[0].adviser, NOW)

    assert (await browser.get("/staff/inbox")).status_code == 303
    assert (await login(browser, world[0].adviser)).status_code == 401


async def test_after_too_many_failures_even_the_right_password_waits(
    browser: httpx.AsyncClient, world: tuple[Side, Side], clock: MovableClock
) -> None:
    email = world[0].coordinator
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert (await login(browser, email, "wrong")).status_code == 401

    refused = await login(browser, email)
    assert refused.status_code == 429
    clock.current = NOW + THROTTLE_WINDOW + timedelta(seconds=1)
    assert (await login(browser, email)).status_code == 303


async def test_throttling_per_account_holds_across_processes_and_addresses(
    app: Starlette, db: Engine, clock: MovableClock, world: tuple[Side, Side]
) -> None:
    """Two apps on one database stand for two processes; each attempt from a new address."""
    from tests.staff.world import console_app

    other_process = console_app(db, clock)
    email = world[0].coordinator
    for attempt in range(MAX_FAILURES_PER_ACCOUNT):
        process = app if attempt % 2 else other_process
        async with client(process, f"198.51.100.{attempt}") as browser:
            assert (await login(browser, email, "wrong")).status_code == 401
    async with client(app, "198.51.100.200") as browser:
        assert (await login(browser, email)).status_code == 429


async def test_throttling_per_address_covers_many_accounts(
    app: Starlette, world: tuple[Side, Side]
) -> None:
    async with client(app, "192.0.2.9") as browser:
        for attempt in range(MAX_FAILURES_PER_ADDRESS):
            assert (await login(browser, f"guess{attempt}@example.org", "x")).status_code == 401
        assert (await login(browser, world[1].coordinator)).status_code == 429
    async with client(app, "192.0.2.10") as elsewhere:
        assert (await login(elsewhere, world[1].coordinator)).status_code == 303
