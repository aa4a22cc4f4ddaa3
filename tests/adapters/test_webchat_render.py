"""What the web chat API returns for a message: direction, buttons, and a calendar file."""

from __future__ import annotations

from adapters.webchat import render
from bot.engine.messages import Button, Document, Outbound


def test_a_calendar_file_travels_with_its_message_for_the_page_to_offer_as_a_download() -> None:
    ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    message = Outbound("C'est réservé !", "fr", document=Document("MS-7K4Q.ics", "", ics))
    (item,) = render([message])["messages"]
    assert item["document"] == {"filename": "MS-7K4Q.ics", "url": "", "content": ics}
    assert item["dir"] == "ltr"


def test_right_to_left_languages_are_marked() -> None:
    (item,) = render([Outbound("مرحبا", "ar", (Button("القائمة", "cmd:menu"),))])["messages"]
    assert item["dir"] == "rtl"
    assert item["buttons"] == [{"title": "القائمة", "payload": "cmd:menu"}]
