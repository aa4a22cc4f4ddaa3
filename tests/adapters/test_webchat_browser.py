"""The web chat page in a real browser (Debian's Chromium): in Arabic, commands, codes and
numbers are isolated left-to-right pieces that do not wrap, and buttons read right to left
even when their title starts with a Latin name. The whole app runs (SQLite); the NLU is
deliberately unreachable: buttons and commands do not need it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright

from adapters.app import create_app
from adapters.settings import Settings
from tests.support.builders import TEST_ENCRYPTION_KEY, TEST_SECRET

CHROMIUM = Path("/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: `make test` installs it (scripts/ensure-chromium)")
    port = free_port()
    settings = Settings(
        var_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'chat.sqlite3'}",
        rasa_url=f"http://127.0.0.1:{free_port()}",  # nobody there
        secret_key=TEST_SECRET,
        encryption_key=TEST_ENCRYPTION_KEY,
        public_base_url=f"http://127.0.0.1:{port}",
    )
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        context = browser.new_context(
            base_url=f"http://127.0.0.1:{port}", viewport={"width": 360, "height": 780}
        )
        yield context.new_page()
        browser.close()
    server.should_exit = True
    thread.join(timeout=15)


def test_right_to_left_messages_isolate_commands_and_keep_buttons_right_to_left(
    page: Page,
) -> None:
    page.goto("/chat?lang=ar")
    expect(page.locator(".msg--bot .bubble").first).to_be_visible()
    page.get_by_role("textbox").fill("/help")
    page.keyboard.press("Enter")
    command = page.locator(".msg--bot .bubble bdi.iso", has_text="/menu").last
    expect(command).to_be_visible()
    assert command.get_attribute("dir") == "ltr"
    assert command.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"
    assert command.evaluate("el => el.closest('.bubble').dir") == "rtl"
    buttons = page.locator(".msg--bot .choice")
    expect(buttons.first).to_be_visible()
    assert set(buttons.evaluate_all("els => els.map(el => el.dir)")) == {"rtl"}
