"""The handoff as a new user finds it, in two real browsers against the whole app (the real
Rasa server, the real relay loop, SQLite and PostgreSQL): a person on /chat writes "je veux
parler à quelqu'un", chooses microStart, shares nothing; a staff member logged in on /staff
sees the handoff arrive live, replies; the reply appears on the person's open chat page;
staff close it and the page says the bot is back. Screenshots go to var/test-artefacts/ (the
README's come from here). The two delays are printed (see docs/benchmarks.md)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import Engine

from adapters.app import create_app
from adapters.db.database import make_sessions
from adapters.db.staff_accounts import SqlStaffAccounts
from adapters.rasa_process import RasaServer
from adapters.settings import PROJECT_DIR, Settings
from adapters.staff.passwords import hash_password
from tests.conftest import DATABASES
from tests.staff.world import NOW
from tests.support.builders import TEST_ENCRYPTION_KEY, TEST_SECRET, load_demo_data
from tests.support.rasa_server import rasa_server  # noqa: F401 - the session fixture

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = PROJECT_DIR / "var" / "test-artefacts"
PATIENCE_MS = 15_000
ADVISER, PASSWORD = "adviser@microstart.test", "correct horse battery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def app_url(
    db: Engine,
    database_url: str,
    tmp_path: Path,
    rasa_server: RasaServer,  # noqa: F811
) -> Iterator[str]:
    load_demo_data(db)
    SqlStaffAccounts(make_sessions(db)).add(
        ADVISER, "microstart", "adviser", hash_password(PASSWORD), "fr", NOW
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        var_dir=tmp_path,
        database_url=database_url,
        rasa_url=rasa_server.url,
        rasa_token=rasa_server.token,
        secret_key=TEST_SECRET,
        encryption_key=TEST_ENCRYPTION_KEY,
        public_base_url=base,
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
    yield base
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: `make test` installs it (scripts/ensure-chromium)")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


def shot(page: Page, name: str, kind: str) -> None:
    page.screenshot(path=str(ARTEFACTS / f"handoff-{kind}-{name}.png"), full_page=True)


def test_a_person_asks_for_someone_and_gets_the_staff_reply_on_the_open_page(
    browser: Browser, app_url: str, database_url: str
) -> None:
    kind = database_url.split(":")[0]
    person = browser.new_context(
        base_url=app_url, locale="fr-BE", viewport={"width": 390, "height": 844}
    ).new_page()
    staff = browser.new_context(base_url=app_url, locale="fr-BE").new_page()

    staff.goto("/staff/login")
    staff.get_by_label("Adresse e-mail").fill(ADVISER)
    staff.get_by_label("Mot de passe").fill(PASSWORD)
    staff.get_by_role("button", name="Se connecter").click()
    expect(staff.get_by_role("heading", name="Demandes ouvertes")).to_be_visible()
    expect(staff.locator("body[data-live-ready=true]")).to_have_count(1)

    person.goto("/chat")
    expect(person.get_by_role("button", name="Quelle aide pour moi")).to_be_visible()
    person.get_by_label("Votre message").fill("je veux parler à quelqu'un")
    person.get_by_role("button", name="Envoyer").click()
    expect(person.get_by_text("Qui doit vous répondre ?")).to_be_visible()
    person.get_by_role("button", name="microStart").click()
    expect(person.get_by_text("microStart", exact=False).last).to_be_visible()
    shot(person, "1-person-asks", kind)

    person.get_by_label("Votre message").fill("J'ai une question sur le microcrédit")
    sent_at = time.monotonic()
    person.get_by_role("button", name="Envoyer").click()
    row = staff.locator("tbody tr").first
    expect(row).to_be_visible(timeout=PATIENCE_MS)
    to_console = time.monotonic() - sent_at
    expect(row).to_contain_text("a demandé une personne")
    shot(staff, "2-inbox-live", kind)

    row.get_by_role("link").first.click()
    expect(staff.get_by_text("J'ai une question sur le microcrédit")).to_be_visible()
    staff.get_by_label("Répondre à la personne").fill("Bonjour, ici Amina de microStart.")
    replied_at = time.monotonic()
    staff.get_by_role("button", name="Envoyer").click()
    expect(person.get_by_text("Bonjour, ici Amina de microStart.")).to_be_visible(
        timeout=PATIENCE_MS
    )
    to_person = time.monotonic() - replied_at
    shot(staff, "3-staff-replied", kind)
    shot(person, "4-person-sees-reply", kind)

    staff.get_by_role("button", name="Clôturer et rendre la main au bot").click()
    expect(person.get_by_text("a terminé la conversation", exact=False)).to_be_visible(
        timeout=PATIENCE_MS
    )
    shot(person, "5-bot-is-back", kind)
    print(
        f"\n[{kind}] person's message -> console: {to_console:.2f} s; "
        f"staff reply -> person's page: {to_person:.2f} s"
    )
