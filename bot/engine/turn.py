"""One turn in progress: the evolving session and the events it has produced so far."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from bot.engine.context import ContextKey
from bot.engine.events import Event, LanguageChanged, MsgCreated, StatusChanged
from bot.engine.inputs import LanguageDecision, MsgResume, Resume
from bot.engine.messages import Button, Outbound
from bot.engine.payloads import PayloadType, encode
from bot.engine.session import Session, SessionStatus
from bot.engine.state import FACTS_KEY, Answer, FeatureState, FlowState
from bot.i18n.catalog import Catalog

S = TypeVar("S", bound=FeatureState)
T = TypeVar("T")


@dataclass(slots=True)
class Turn:
    catalog: Catalog
    session: Session
    resume: Resume
    retention_days: int
    loaded: Mapping[str, object] = field(default_factory=dict)  # contexts read for this turn
    events: list[Event] = field(default_factory=list)
    flow_finished: bool = False  # the last flow ended during this turn

    @property
    def now(self) -> datetime:
        return self.resume.now

    @property
    def message(self) -> MsgResume | None:
        """The person's message when they caused this turn; None for timers and staff."""
        return self.resume if isinstance(self.resume, MsgResume) else None

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

    def button(self, key: str, payload: PayloadType) -> Button:
        return Button(self.text(key), encode(payload))

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def context(self, key: ContextKey[T]) -> T:
        """Data from storage; raises NeedsContext the first time, the host then loads it."""
        return key.read(self.loaded)

    # Session data -------------------------------------------------------------------------

    def state(self, kind: type[S]) -> S:
        raw = self.session.data.get(kind.KEY)
        return kind.from_dict(raw) if raw else kind.from_dict({})

    def set_state(self, value: FeatureState) -> None:
        data = dict(self.session.data)
        if value == type(value).from_dict({}):
            data.pop(value.KEY, None)
        else:
            data[value.KEY] = value.to_dict()
        self.session = self.session.evolve(data=data)

    def fact(self, name: str) -> str | None:
        value = self.session.data.get(FACTS_KEY, {}).get(name)
        return str(value) if value is not None else None

    def set_fact(self, name: str, value: str | None) -> None:
        facts: dict[str, Any] = dict(self.session.data.get(FACTS_KEY, {}))
        if value is None:
            facts.pop(name, None)
        else:
            facts[name] = value
        data = {**self.session.data, FACTS_KEY: facts}
        if not facts:
            del data[FACTS_KEY]
        self.session = self.session.evolve(data=data)

    @property
    def answers(self) -> dict[str, Answer]:
        return dict(self.state(FlowState).answers)

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
