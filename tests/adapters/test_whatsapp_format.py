"""WhatsApp payloads: parsing webhooks, WhatsApp's limits in every language, the window."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.whatsapp_format import (
    BUTTON_TITLE,
    LIST_ROWS,
    ROW_DESCRIPTION,
    ROW_TITLE,
    Labels,
    parse_webhook,
    render,
    shorten,
)
from adapters.whatsapp_window import (
    FreeForm,
    Hold,
    UseTemplate,
    decide,
    load_templates,
    reminder_languages,
)
from bot.engine.messages import Button, Outbound
from tests.support.builders import CONTENT_DIR, catalog

LABELS = Labels(list_button="Choisir", more="Autres choix")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def change(value: Mapping[str, object]) -> dict[str, object]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }


def test_text_buttons_lists_and_template_replies_become_inbound_messages() -> None:
    value = {
        "contacts": [{"wa_id": "32470000001", "user_id": "BE.abc"}],
        "messages": [
            {"from": "32470000001", "id": "wamid.1", "type": "text", "text": {"body": " salam "}},
            {"from": "32470000001", "id": "wamid.2", "type": "interactive",
             "interactive": {"type": "button_reply",
                             "button_reply": {"id": "a:q5:MAIN", "title": "x"}}},
            {"from": "32470000001", "id": "wamid.3", "type": "interactive",
             "interactive": {"type": "list_reply",
                             "list_reply": {"id": "a:q1:BXL", "title": "x"}}},
            {"from": "32470000001", "id": "wamid.4", "type": "button",
             "button": {"payload": "bk:keep", "text": "Keep"}},
            {"from": "32470000001", "id": "wamid.5", "type": "reaction",
             "reaction": {"message_id": "wamid.x", "emoji": "👍"}},
        ],
    }  # fmt: skip
    inbound, statuses = parse_webhook(change(value))
    assert statuses == []
    assert [(m.text, m.payload) for m in inbound] == [
        ("salam", None),
        (None, "a:q5:MAIN"),
        (None, "a:q1:BXL"),
        (None, "bk:keep"),
        (None, "media:reaction"),
    ]
    assert {m.user_id for m in inbound} == {"32470000001"}
    assert [m.message_id for m in inbound] == [f"wamid.{n}" for n in range(1, 6)]


def test_a_person_without_a_phone_number_is_keyed_on_the_business_scoped_id() -> None:
    value = {
        "contacts": [{"user_id": "BE.xyz", "profile": {"name": "A"}}],
        "messages": [{"from": "BE.xyz", "id": "wamid.9", "type": "text", "text": {"body": "hi"}}],
    }
    (inbound,), _ = parse_webhook(change(value))
    assert (inbound.user_id, inbound.reply_address) == ("BE.xyz", "BE.xyz")


@pytest.mark.parametrize("payload", [None, [], {"object": "page"}, change({"messages": "x"})])
def test_unknown_payloads_give_nothing(payload: object) -> None:
    assert parse_webhook(payload) == ([], [])


def test_shortening_cuts_on_a_word_with_an_ellipsis() -> None:
    assert shorten("Bonjour", 20) == "Bonjour"
    assert shorten("Indépendant à titre complémentaire", 20) == "Indépendant à titre…"
    assert len(shorten("x" * 50, 24)) == 24


def test_three_choices_are_reply_buttons_and_eleven_are_two_lists() -> None:
    three = Outbound("Q?", "fr", tuple(Button(f"Choix {n}", f"a:q:{n}") for n in range(3)))
    (body,) = render(three, "32470000001", LABELS)
    assert body["interactive"]["type"] == "button"
    eleven = Outbound("Q?", "fr", tuple(Button(f"Choix {n}", f"a:q:{n}") for n in range(11)))
    first, second = render(eleven, "32470000001", LABELS)
    assert [len(b["interactive"]["action"]["sections"][0]["rows"]) for b in (first, second)] == [
        LIST_ROWS,
        1,
    ]
    assert second["interactive"]["body"]["text"] == "Autres choix"


def test_a_long_text_with_buttons_is_sent_as_text_then_the_choices() -> None:
    message = Outbound("x " * 800, "fr", (Button("Oui", "y"), Button("Non", "n")))
    bodies = render(message, "32470000001", LABELS)
    assert [b["type"] for b in bodies] == ["text", "interactive"]


@pytest.mark.parametrize("lang", catalog().codes)
def test_every_label_of_every_language_fits_whatsapp(lang: str) -> None:
    """Every catalogue text short enough to be a button, as a reply button and as a list row."""
    short = [t for t in catalog().texts[lang].values() if len(t) <= 2 * ROW_TITLE]
    labels = Labels(
        catalog().text(lang, "whatsapp.list_button"), catalog().text(lang, "whatsapp.more")
    )
    assert len(labels.list_button) <= BUTTON_TITLE
    for start in range(0, len(short), 3):
        buttons = tuple(Button(t, f"id{n}") for n, t in enumerate(short[start : start + 3]))
        for body in render(Outbound("Q", lang, buttons), "1", labels):
            for b in body["interactive"]["action"].get("buttons", []):
                assert len(b["reply"]["title"]) <= BUTTON_TITLE
    rows = tuple(Button(t, f"id{n}") for n, t in enumerate(short))
    for body in render(Outbound("Q", lang, rows), "1", labels):
        for section in body["interactive"]["action"].get("sections", []):
            for row in section["rows"]:
                assert len(row["title"]) <= ROW_TITLE
                assert len(row.get("description", "")) <= ROW_DESCRIPTION


def test_inside_the_window_anything_goes_outside_only_templates() -> None:
    templates = load_templates(CONTENT_DIR / "whatsapp_templates.yml")
    plain = Outbound("Une réponse", "fr")
    params = (("reference", "MS-1"), ("date", "mardi"), ("time", "9:00"), ("place", "ici"))
    reminder = Outbound("Rappel", "nl", purpose="appointment_reminder", params=params)
    assert decide(plain, NOW - timedelta(hours=2), NOW, templates) == FreeForm()
    assert isinstance(decide(plain, NOW - timedelta(hours=30), NOW, templates), Hold)
    assert isinstance(decide(plain, None, NOW, templates), Hold)
    assert decide(reminder, NOW - timedelta(hours=30), NOW, templates) == UseTemplate(
        "passerelle_appointment_reminder", "nl", ("MS-1", "mardi", "9:00", "ici")
    )
    in_portuguese = Outbound("Rappel", "pt", purpose="appointment_reminder", params=params)
    assert decide(in_portuguese, None, NOW, templates) == UseTemplate(
        "passerelle_appointment_reminder", "pt_PT", ("MS-1", "mardi", "9:00", "ici")
    )
    in_tigrinya = Outbound("Rappel", "ti", purpose="appointment_reminder", params=params)
    assert decide(in_tigrinya, None, NOW, templates) == UseTemplate(
        "passerelle_appointment_reminder", "fr", ("MS-1", "mardi", "9:00", "ici")
    )


def test_the_templates_file_names_a_template_for_each_purpose_the_bot_uses() -> None:
    templates = load_templates(Path(CONTENT_DIR) / "whatsapp_templates.yml")
    assert set(templates) == {
        "appointment_reminder",
        "staff_reply",
        "event_reminder",
        "event_offer",
    }
    for template in templates.values():
        assert set(template.languages) <= set(catalog().codes)
    assert templates["staff_reply"].parameters == ("organisation", "text")


def test_reminder_languages_ask_only_on_whatsapp_and_only_with_a_template() -> None:
    templates = load_templates(Path(CONTENT_DIR) / "whatsapp_templates.yml")
    languages = reminder_languages(templates)
    assert set(languages) == {"whatsapp"}
    assert {"fr", "fa", "ar", "en"} <= set(languages["whatsapp"])
    assert {"ps", "ti", "so"}.isdisjoint(languages["whatsapp"])
    assert reminder_languages({}) == {}  # no reminder template: nothing to ask
