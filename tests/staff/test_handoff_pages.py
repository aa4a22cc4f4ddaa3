"""What staff do with a handoff, through the pages: claim, reply, note, close; each leaves
the rows the relay and the audit log need."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import Engine, select

from adapters.db.database import make_sessions
from adapters.db.models import HandoffMessage
from adapters.db.relay_store import SqlRelayStore
from adapters.db.staff_models import AuditEntry
from tests.conftest import DATABASES
from tests.staff.world import MovableClock, Side, add_handoff, csrf_of, handoff_state, login

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)


def lines(db: Engine, handoff_id: int) -> list[tuple[str, str]]:
    with db.connect() as connection:
        rows = connection.execute(
            select(HandoffMessage.direction, HandoffMessage.text)
            .where(HandoffMessage.handoff_id == handoff_id)
            .order_by(HandoffMessage.id)
        )
        return [(direction, text) for direction, text in rows]


def audited(db: Engine) -> list[str]:
    with db.connect() as connection:
        return list(connection.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


async def test_the_inbox_lists_urgent_first_then_the_longest_waiting(
    browser: httpx.AsyncClient, db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    _, urgent_code = add_handoff(db, first.organisation_id, "urgent-one", urgent=True)
    await login(browser, first.coordinator)
    page = (await browser.get("/staff/inbox")).text
    assert page.index(urgent_code) < page.index(first.contact_code)
    assert "URGENT" in page
    assert "une épicerie" in page, "the shared summary, the person's words as written"
    assert "Project" in page, "the summary's labels in the staff member's language (en)"


async def test_the_inbox_never_shows_the_contacts_address_or_key(
    browser: httpx.AsyncClient, world: tuple[Side, Side]
) -> None:
    first, _ = world
    await login(browser, first.coordinator)
    inbox = (await browser.get("/staff/inbox")).text
    page = (await browser.get(f"/staff/handoffs/{first.handoff_id}")).text
    for text in (inbox, page):
        assert "key-microstart" not in text
        assert first.contact_code in text


async def test_claim_reply_note_close_in_order(
    browser: httpx.AsyncClient, db: Engine, world: tuple[Side, Side], clock: MovableClock
) -> None:
    first, _ = world
    await login(browser, first.adviser)
    token = await csrf_of(browser)
    base = f"/staff/handoffs/{first.handoff_id}"

    page = await browser.get(base)
    assert "Bonjour" in page.text
    await browser.post(f"{base}/claim", data={"csrf_token": token})
    assert handoff_state(db, first.handoff_id) == "claimed"
    await browser.post(f"{base}/reply", data={"csrf_token": token, "text": "Bonjour, ici Amina"})
    assert handoff_state(db, first.handoff_id) == "waiting"
    await browser.post(f"{base}/note", data={"csrf_token": token, "text": "rappeler lundi"})
    closed = await browser.post(f"{base}/close", data={"csrf_token": token})

    assert closed.status_code == 303
    assert handoff_state(db, first.handoff_id) == "closed"
    assert lines(db, first.handoff_id) == [
        ("in", "Bonjour"),
        ("out", "Bonjour, ici Amina"),
        ("note", "rappeler lundi"),
        ("closed", ""),
    ]
    assert audited(db) == ["opened", "claimed", "replied", "noted", "closed"]
    pending = SqlRelayStore(make_sessions(db)).pending()
    assert [(p.action, p.text, p.contact_key) for p in pending] == [
        ("reply", "Bonjour, ici Amina", "key-microstart"),
        ("close", "", "key-microstart"),
    ], "the note is never relayed to the person"
    inbox = (await browser.get("/staff/inbox")).text
    assert first.contact_code not in inbox, "a closed handoff leaves the inbox"


async def test_a_closed_handoff_takes_no_reply(
    browser: httpx.AsyncClient, db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    await login(browser, first.coordinator)
    token = await csrf_of(browser)
    base = f"/staff/handoffs/{first.handoff_id}"
    await browser.post(f"{base}/close", data={"csrf_token": token})
    await browser.post(f"{base}/reply", data={"csrf_token": token, "text": "trop tard"})
    assert ("out", "trop tard") not in lines(db, first.handoff_id)


async def test_a_canned_reply_is_sent_when_no_text_is_typed(
    browser: httpx.AsyncClient, db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    await login(browser, first.coordinator)
    token = await csrf_of(browser)
    page = await browser.get(f"/staff/handoffs/{first.handoff_id}")
    assert "Horaires microStart" in page.text, "French canned replies for a French speaker"
    await browser.post(
        f"/staff/handoffs/{first.handoff_id}/reply",
        data={"csrf_token": token, "text": "", "canned_id": str(first.canned_id)},
    )
    assert lines(db, first.handoff_id)[-1] == ("out", "Nous sommes ouverts du lundi au vendredi.")


async def test_another_organisations_canned_reply_cannot_be_sent(
    browser: httpx.AsyncClient, db: Engine, world: tuple[Side, Side]
) -> None:
    first, second = world
    await login(browser, second.coordinator)
    token = await csrf_of(browser)
    await browser.post(
        f"/staff/handoffs/{second.handoff_id}/reply",
        data={"csrf_token": token, "text": "", "canned_id": str(first.canned_id)},
    )
    assert lines(db, second.handoff_id) == [("in", "Bonjour")]


async def test_the_audit_page_is_for_coordinators(
    browser: httpx.AsyncClient, world: tuple[Side, Side]
) -> None:
    first, _ = world
    await login(browser, first.adviser)
    await browser.get(f"/staff/handoffs/{first.handoff_id}")
    assert (await browser.get("/staff/audit")).status_code == 403
    await login(browser, first.coordinator)
    audit = await browser.get("/staff/audit")
    assert audit.status_code == 200
    assert first.adviser in audit.text
    assert first.contact_code in audit.text


async def test_the_htmx_reply_answers_with_the_conversation_fragment(
    browser: httpx.AsyncClient, world: tuple[Side, Side]
) -> None:
    first, _ = world
    await login(browser, first.coordinator)
    token = await csrf_of(browser)
    answer = await browser.post(
        f"/staff/handoffs/{first.handoff_id}/reply",
        data={"text": "Un instant"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert "Un instant" in answer.text
    assert "<html" not in answer.text, "a fragment, not a page"


async def test_the_console_speaks_the_accounts_language_and_the_login_the_browsers(
    browser: httpx.AsyncClient, world: tuple[Side, Side]
) -> None:
    first, _ = world
    login_page = await browser.get("/staff/login", headers={"Accept-Language": "nl-BE,nl"})
    assert "Aanmelden voor medewerkers" in login_page.text
    assert 'lang="nl"' in login_page.text
    await login(browser, first.adviser)  # a French-speaking adviser
    assert "Demandes ouvertes" in (await browser.get("/staff/inbox")).text
    await login(browser, first.coordinator)  # an English-speaking coordinator
    assert "Open handoffs" in (await browser.get("/staff/inbox")).text
