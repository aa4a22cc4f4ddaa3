"""Channel-neutral messages: what a person sent (Inbound) and what the bot says (Outbound)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RTL_LANGUAGES = frozenset({"ar", "fa", "ps"})


@dataclass(frozen=True, slots=True)
class Button:
    """A choice offered under a message; ``payload`` is a short ASCII id, never a label."""

    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class Document:
    """A file the person can download, such as a calendar entry.

    ``url`` serves it (the web chat links to it); ``content`` carries a small text file itself
    (an ``.ics``) for channels that upload files rather than link to them.
    """

    filename: str
    url: str
    content: str | None = None


@dataclass(frozen=True, slots=True)
class Outbound:
    """One message from the bot, in one language, with optional buttons and document."""

    text: str
    lang: str
    buttons: tuple[Button, ...] = ()
    document: Document | None = None
    # What the message is for ("appointment_reminder") and its values: a channel that may
    # only write first with pre-approved templates (WhatsApp) picks its template by these.
    purpose: str | None = None
    params: tuple[tuple[str, str], ...] = ()

    @property
    def direction(self) -> str:
        return "rtl" if self.lang in RTL_LANGUAGES else "ltr"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "lang": self.lang}
        if self.buttons:
            data["buttons"] = [{"title": b.title, "payload": b.payload} for b in self.buttons]
        if self.document is not None:
            data["document"] = {"filename": self.document.filename, "url": self.document.url}
            if self.document.content is not None:
                data["document"]["content"] = self.document.content
        if self.purpose is not None:
            data["purpose"] = self.purpose
            data["params"] = dict(self.params)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outbound:
        document = data.get("document")
        return cls(
            text=data["text"],
            lang=data["lang"],
            buttons=tuple(Button(b["title"], b["payload"]) for b in data.get("buttons", [])),
            document=(
                Document(document["filename"], document["url"], document.get("content"))
                if document
                else None
            ),
            purpose=data.get("purpose"),
            params=tuple((str(k), str(v)) for k, v in (data.get("params") or {}).items()),
        )


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a person, as every channel adapter hands it to the turn handler.

    Exactly one of ``text`` and ``payload`` is set. ``user_id`` is the channel's raw id: the
    turn handler pseudonymises it before anything is stored. ``lang`` is an explicit choice
    (web chat ``lang``, deep link); ``lang_hint`` a weak hint such as Telegram's
    ``language_code``. ``message_id`` is the platform's id, used to process a message once.
    """

    channel: str
    user_id: str
    text: str | None = None
    payload: str | None = None
    lang: str | None = None
    lang_hint: str | None = None
    message_id: str | None = None
    reply_address: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.text is None) == (self.payload is None):
            raise ValueError("an inbound message carries exactly one of text and payload")
