"""Who is asking: the session cookie, its server-side row, and the CSRF check.

The cookie carries a random token signed with itsdangerous (HttpOnly, SameSite=Strict, Secure
behind HTTPS); the database keeps only the token's SHA-256 with the session's expiry and its
CSRF token. A page that changes anything needs that CSRF token, from the form field or, for
htmx requests, the ``X-CSRF-Token`` header; without it: 403, before anything is written.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import anyio.to_thread
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from adapters.db.handoff_store import Actor
from adapters.db.staff_accounts import LoggedIn
from adapters.staff.console import Console
from adapters.staff.i18n import choose_language

SESSION_COOKIE = "passerelle_staff"
SESSION_TTL = timedelta(hours=8)
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD"})
COOKIE_PATH = "/staff"


@dataclass(frozen=True, slots=True)
class Staff:
    """The logged-in staff member a page is for."""

    logged: LoggedIn

    @property
    def actor(self) -> Actor:
        account = self.logged.account
        return Actor(account_id=account.id, organisation_id=account.organisation_id)

    @property
    def lang(self) -> str:
        return self.logged.account.language

    @property
    def is_coordinator(self) -> bool:
        return self.logged.account.role == "coordinator"


StaffEndpoint = Callable[[Request, Staff], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _serializer(console: Console, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(console.secret_key, salt=f"passerelle-staff-{purpose}")


def signed(console: Console, purpose: str, token: str) -> str:
    return str(_serializer(console, purpose).dumps(token))


def unsigned(console: Console, purpose: str, value: str | None, max_age: timedelta) -> str | None:
    if not value:
        return None
    try:
        token = _serializer(console, purpose).loads(value, max_age=int(max_age.total_seconds()))
    except BadSignature:  # includes SignatureExpired
        return None
    return token if isinstance(token, str) else None


def set_cookie(
    console: Console, response: Response, name: str, value: str, max_age: timedelta
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=int(max_age.total_seconds()),
        path=COOKIE_PATH,
        secure=console.secure_cookies,
        httponly=True,
        samesite="strict",
    )


def session_token(console: Console, request: Request) -> str | None:
    return unsigned(console, "session", request.cookies.get(SESSION_COOKIE), SESSION_TTL)


async def current_staff(console: Console, request: Request) -> Staff | None:
    token = session_token(console, request)
    if token is None:
        return None
    logged = await anyio.to_thread.run_sync(
        console.accounts.session, token_hash(token), console.now()
    )
    return None if logged is None else Staff(logged)


async def csrf_matches(request: Request, expected: str) -> bool:
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        given = field if isinstance(field, str) else None
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def forbidden(console: Console, lang: str) -> Response:
    return console.render("error.html", lang, 403, message=console.texts.text(lang, "error.csrf"))


def staff_only(
    console: Console, endpoint: StaffEndpoint, *, coordinator: bool = False
) -> Endpoint:
    """The endpoint for a logged-in staff member; others go to the login page. Requests that
    change something carry the session's CSRF token; ``coordinator`` pages refuse advisers."""

    async def guarded(request: Request) -> Response:
        staff = await current_staff(console, request)
        if staff is None:
            return RedirectResponse("/staff/login", status_code=303)
        if request.method not in SAFE_METHODS and not await csrf_matches(
            request, staff.logged.csrf_token
        ):
            return forbidden(console, staff.lang)
        if coordinator and not staff.is_coordinator:
            text = console.texts.text(staff.lang, "error.coordinators_only")
            return console.render("error.html", staff.lang, 403, message=text, staff=staff)
        return await endpoint(request, staff)

    return guarded


def anonymous_language(request: Request) -> str:
    return choose_language(request.headers.get("accept-language"))
