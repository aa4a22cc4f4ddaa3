"""Issue 16's "done when", as a new user would do it: the real app with the real Rasa server,
the demo loaded, and on the web chat "quels sont les événements à Liège ?" lists Liège's
sessions; signing up gives a code and a calendar file; the full session puts the person on
the waiting list with a position."""

from __future__ import annotations

import httpx
import pytest

from adapters.db.database import make_engine
from adapters.settings import Settings
from tests.adapters.test_webchat_api import API, client, settings
from tests.support import builders
from tests.support.rasa_server import rasa_server

# The web chat API's fixtures: the app, and the real Rasa server it talks to.
__all__ = ["client", "rasa_server", "settings"]
USER = "done-when-user-abcdefghijkl"


@pytest.mark.rasa
async def test_a_new_user_finds_liege_signs_up_and_waits_for_a_full_session(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    engine = make_engine(settings.effective_database_url)  # migrated by the app's start
    try:
        builders.load_demo_data(engine)
        builders.load_demo_week(engine)
    finally:
        engine.dispose()

    async def say(**body: str) -> list[dict[str, object]]:
        answer = await client.post(API, json={"user": USER, **body})
        assert answer.status_code == 200, answer.text
        messages: list[dict[str, object]] = answer.json()["messages"]
        return messages

    listed = await say(text="quels sont les événements à Liège ?")
    assert str(listed[0]["text"]).startswith(
        "Semaine de l'entrepreneuriat pour toutes et tous — 3 séance(s) gratuite(s), à Liège"
    )
    signed = await say(payload="iw:s:lge-young")
    assert "Votre code est IW-" in str(signed[0]["text"])
    document = signed[0]["document"]
    assert isinstance(document, dict)
    assert str(document["content"]).startswith("BEGIN:VCALENDAR")
    waiting = await say(payload="iw:s:gnt-starters-1")
    assert "Vous êtes sur la liste d'attente, numéro 1." in str(waiting[0]["text"])
