"""The info week in a real browser (Debian's headless Chromium): a coordinator sees their
sessions' counts, checks a person in by the code they show, and opens the session's poster
QR codes. Screenshots go to var/test-artefacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from tests.conftest import DATABASES
from tests.staff.test_browser import console_url, page, shot
from tests.staff.world import EVENT_TITLE, PASSWORD, Side

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)
__all__ = ["console_url", "page"]  # the fixtures of the console's browser tests


def test_a_coordinator_sees_the_counts_checks_in_and_gets_the_poster_qr_codes(
    page: Page, db: Engine, world: tuple[Side, Side], database_url: str
) -> None:
    first, _ = world
    kind = database_url.split(":")[0]
    page.goto("/staff/login")
    page.get_by_label("E-mail address").fill(first.coordinator)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Info week").click()
    expect(page.get_by_role("heading", name="Info week: your sessions")).to_be_visible()
    row = page.locator('tr[data-event="iso-event"]')
    expect(row.locator("td.signed-up")).to_have_text("1")
    expect(row.locator("td.came")).to_have_text("0")
    page.get_by_label("Sign-up code (or scan it)").fill("iw-test")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("status")).to_have_text("IW-TEST: checked in (iso-event).")
    expect(row.locator("td.came")).to_have_text("1")
    shot(page, "6-info-week", kind)
    page.get_by_role("link", name=EVENT_TITLE).click()
    qr = page.get_by_role("img", name="QR code (web chat)")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0
    shot(page, "7-info-week-qr", kind)
