"""Logging in and out. Failed attempts are counted in the database per e-mail and per client
address, so the limit holds across processes: past it, even the right password is refused
until the window has passed (the answer does not say whether the password was right)."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from adapters.staff.auth import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SESSION_TTL,
    Staff,
    anonymous_language,
    forbidden,
    session_token,
    set_cookie,
    signed,
    token_hash,
    unsigned,
)
from adapters.staff.console import Console, client_address
from adapters.staff.passwords import verify_password

LOGIN_COOKIE = "passerelle_staff_login"
LOGIN_FORM_TTL = timedelta(hours=1)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


class LoginPages:
    def __init__(self, console: Console) -> None:
        self.console = console

    async def form(self, request: Request) -> Response:
        return self._form(anonymous_language(request))

    def _form(self, lang: str, status_code: int = 200, error: str | None = None) -> Response:
        # Login CSRF: the form's token must match the one in a cookie of this browser.
        token = secrets.token_urlsafe(24)
        response = self.console.render(
            "login.html", lang, status_code, csrf_token=token, error=error
        )
        set_cookie(
            self.console,
            response,
            LOGIN_COOKIE,
            signed(self.console, "login", token),
            LOGIN_FORM_TTL,
        )
        return response

    async def submit(self, request: Request) -> Response:
        console, lang = self.console, anonymous_language(request)
        form = await request.form()
        email, password, given = (
            str(form.get(name) or "") for name in ("email", "password", CSRF_FIELD)
        )
        expected = unsigned(console, "login", request.cookies.get(LOGIN_COOKIE), LOGIN_FORM_TTL)
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            return forbidden(console, lang)
        address, now = client_address(request), console.now()
        by_account, by_address = await anyio.to_thread.run_sync(
            console.accounts.failures_since, email, address, now - THROTTLE_WINDOW
        )
        if by_account >= MAX_FAILURES_PER_ACCOUNT or by_address >= MAX_FAILURES_PER_ADDRESS:
            minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
            return self._form(lang, 429, console.texts.text(lang, "login.throttled", n=minutes))
        account = await anyio.to_thread.run_sync(console.accounts.active, email)
        valid = verify_password(account.password_hash if account else None, password)
        await anyio.to_thread.run_sync(console.accounts.record_attempt, email, address, valid, now)
        if account is None or not valid:
            return self._form(lang, 401, console.texts.text(lang, "login.failed"))
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        await anyio.to_thread.run_sync(
            console.accounts.open_session, account.id, token_hash(token), csrf, now, SESSION_TTL
        )
        response = RedirectResponse("/staff/inbox", status_code=303)
        set_cookie(
            console, response, SESSION_COOKIE, signed(console, "session", token), SESSION_TTL
        )
        response.delete_cookie(LOGIN_COOKIE, path="/staff")
        return response

    async def logout(self, request: Request, _staff: Staff) -> Response:
        token = session_token(self.console, request)
        if token is not None:
            await anyio.to_thread.run_sync(self.console.accounts.close_session, token_hash(token))
        response = RedirectResponse("/staff/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/staff")
        return response
