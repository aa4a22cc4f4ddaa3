"""The console in a real browser (Debian's headless Chromium driven by Playwright) against a
real server: log in, a handoff written by someone else appears in the open inbox without a
reload, claim, reply (the reply row waits for the relay), close. Screenshots of each step go
to var/test-artefacts/."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import Engine, select
from starlette.applications import Starlette

from adapters.db.models import HandoffMessage
from adapters.settings import PROJECT_DIR
from adapters.staff.routes import staff_routes
from tests.conftest import DATABASES
from tests.staff.world import PASSWORD, Side, add_handoff, settings

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = PROJECT_DIR / "var" / "test-artefacts"
LIVE_PATIENCE_MS = 10_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def console_url(db: Engine, world: tuple[Side, Side]) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = Starlette(routes=staff_routes(settings(base), db))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the console server did not start"
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(console_url: str) -> Iterator[Page]:
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: `make test` installs it (scripts/ensure-chromium)")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        context = browser.new_context(base_url=console_url, locale="en-GB")
        yield context.new_page()
        context.close()
        browser.close()


def shot(page: Page, name: str, kind: str) -> None:
    page.screenshot(path=str(ARTEFACTS / f"staff-{kind}-{name}.png"), full_page=True)


def test_log_in_see_a_handoff_arrive_live_claim_reply_and_close(
    page: Page, db: Engine, world: tuple[Side, Side], database_url: str
) -> None:
    first, _ = world
    kind = database_url.split(":")[0]
    page.goto("/staff/login")
    page.get_by_label("E-mail address").fill(first.coordinator)
    page.get_by_label("Password").fill(PASSWORD)
    shot(page, "1-login", kind)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Open handoffs")).to_be_visible()
    expect(page.locator("body[data-live-ready=true]")).to_have_count(1)

    handoff_id, code = add_handoff(
        db, first.organisation_id, "live-person", urgent=True, text="Au secours"
    )
    arrived = page.locator(f'tr[data-code="{code}"]')
    expect(arrived).to_be_visible(timeout=LIVE_PATIENCE_MS)
    expect(page.locator("tbody tr").first).to_have_attribute("data-code", code)  # urgent first
    shot(page, "2-inbox-live", kind)

    arrived.get_by_role("link", name=code).click()
    expect(page.get_by_text("Au secours")).to_be_visible()
    page.get_by_role("button", name="Claim").click()
    expect(page.locator("dd.assignee")).to_have_text(first.coordinator)
    page.get_by_label("Reply to the person").fill("Hello, this is Amina. I am here.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".message.out .text")).to_have_text("Hello, this is Amina. I am here.")
    expect(page.locator("dd.state")).to_have_text("waiting for the person")
    shot(page, "3-replied", kind)
    with db.connect() as connection:
        replies = connection.execute(
            select(HandoffMessage.text, HandoffMessage.relayed_at).where(
                HandoffMessage.handoff_id == handoff_id, HandoffMessage.direction == "out"
            )
        ).all()
    assert [tuple(r) for r in replies] == [("Hello, this is Amina. I am here.", None)]

    page.get_by_role("button", name="Close and hand back to the bot").click()
    expect(page.get_by_text("This handoff is closed.")).to_be_visible()
    shot(page, "4-closed", kind)
    page.get_by_role("link", name="Back to the inbox").click()
    expect(page.locator(f'tr[data-code="{code}"]')).to_have_count(0)


def test_a_message_from_the_person_appears_on_the_open_handoff_page(
    page: Page, db: Engine, world: tuple[Side, Side], database_url: str
) -> None:
    from adapters.db.database import make_sessions
    from adapters.db.handoff_writes import record_person_message
    from adapters.db.models import Handoff
    from tests.staff.world import NOW

    first, _ = world
    page.goto("/staff/login")
    page.get_by_label("E-mail address").fill(first.adviser)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()  # a French-speaking adviser
    page.goto(f"/staff/handoffs/{first.handoff_id}")
    expect(page.locator("body[data-live-ready=true]")).to_have_count(1)
    with make_sessions(db).begin() as session:
        handoff = session.get(Handoff, first.handoff_id)
        assert handoff is not None
        record_person_message(session, handoff, "Vous êtes là ?", NOW)
    expect(page.get_by_text("Vous êtes là ?")).to_be_visible(timeout=LIVE_PATIENCE_MS)
    shot(page, "5-person-writes", database_url.split(":")[0])
