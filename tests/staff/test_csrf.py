"""Every request that changes something carries the session's CSRF token (form field, or the
X-CSRF-Token header htmx sends); missing or wrong: 403 and nothing written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from tests.conftest import DATABASES
from tests.staff.test_isolation import ROUTES, concrete_path, snapshot
from tests.staff.world import Side, csrf_of, handoff_state, login

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

# Every POST of the console but the login form (which has its own token, see test_login.py).
CHANGING = [r for r in ROUTES if r.method == "POST" and r.path != "/staff/login"]
FORM = {"text": "hello", "title": "t", "language": "fr", "day": "2026-12-02"}


@pytest.mark.parametrize("token", ["missing", "wrong", "another session's"])
@pytest.mark.parametrize("route", CHANGING, ids=[r.path for r in CHANGING])
async def test_a_change_without_the_sessions_token_is_forbidden_and_writes_nothing(
    route: Any, token: str, app: Any, db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    from tests.staff.world import client

    async with client(app) as other:
        await login(other, first.adviser)
        others_token = await csrf_of(other)
    async with client(app) as browser:
        await login(browser, first.coordinator)
        data = dict(FORM)
        if token == "wrong":
            data["csrf_token"] = "x" * 43
        elif token == "another session's":
            data["csrf_token"] = others_token
        before = snapshot(db, first)
        answer = await browser.post(concrete_path(route, first), data=data)
        assert answer.status_code == 403
        assert snapshot(db, first) == before
        assert (await browser.get("/staff/inbox")).status_code == 200, "still logged in"


async def test_the_header_alone_is_enough_as_htmx_sends_it(
    browser: httpx.AsyncClient, db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    await login(browser, first.coordinator)
    token = await csrf_of(browser)
    answer = await browser.post(
        f"/staff/handoffs/{first.handoff_id}/claim",
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert handoff_state(db, first.handoff_id) == "claimed"


async def test_a_wrong_header_is_not_rescued_by_a_right_form_field(
    browser: httpx.AsyncClient, db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    await login(browser, first.coordinator)
    token = await csrf_of(browser)
    answer = await browser.post(
        f"/staff/handoffs/{first.handoff_id}/claim",
        headers={"X-CSRF-Token": "forged"},
        data={"csrf_token": token},
    )
    assert answer.status_code == 403
    assert handoff_state(db, first.handoff_id) == "open"
