"""One turn in progress: the evolving session and the events it has produced so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.engine.events import Event, LanguageChanged, MsgCreated, StatusChanged
from bot.engine.inputs import LanguageDecision, MsgResume
from bot.engine.messages import Button, Outbound
from bot.engine.session import Session, SessionStatus
from bot.i18n.catalog import Catalog


@dataclass(slots=True)
class Turn:
    catalog: Catalog
    session: Session
    resume: MsgResume
    retention_days: int
    events: list[Event] = field(default_factory=list)
    flow_finished: bool = False  # the last flow ended during this turn

    @property
    def lang(self) -> str:
        return self.session.language

    @property
    def locale(self) -> str:
        """The Babel locale for dates and amounts (fr_BE, nl_BE, en_GB...)."""
        return self.catalog.language(self.lang).locale

    def text(self, key: str, **params: object) -> str:
        return self.catalog.text(self.lang, key, days=self.retention_days, **params)

    def say(self, key: str, buttons: tuple[Button, ...] = (), **params: object) -> None:
        self.say_text(self.text(key, **params), buttons)

    def say_text(self, text: str, buttons: tuple[Button, ...] = ()) -> None:
        self.events.append(MsgCreated(Outbound(text=text, lang=self.lang, buttons=buttons)))

    def button(self, key: str, payload: str) -> Button:
        return Button(self.text(key), payload)

    def emit(self, event: Event) -> None:
        self.events.append(event)

    # Session data -------------------------------------------------------------------------

    def get(self, name: str, default: Any = None) -> Any:
        return self.session.data.get(name, default)

    def put(self, **values: Any) -> None:
        data = dict(self.session.data)
        for name, value in values.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        self.session = self.session.evolve(data=data)

    @property
    def answers(self) -> dict[str, Any]:
        return dict(self.get("answers", {}))

    def set_answer(self, name: str, value: str | list[str]) -> None:
        self.put(answers={**self.answers, name: value})

    def wait_for(self, wait: str | None) -> None:
        self.session = self.session.evolve(wait=wait)

    def set_status(self, status: SessionStatus, reason: str | None = None) -> None:
        if status != self.session.status:
            self.session = self.session.evolve(status=status, handoff_reason=reason)
            self.events.append(StatusChanged(status, reason))

    def set_language(self, decision: LanguageDecision) -> None:
        current = (self.session.language, self.session.language_source)
        if current != (decision.lang, decision.source):
            self.session = self.session.evolve(
                language=decision.lang, language_source=decision.source
            )
            self.events.append(LanguageChanged(decision.lang, decision.source))
