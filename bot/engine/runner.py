"""The engine: resumes a session with the cause of a turn and returns the events of the turn.

Pure: no clock, no I/O. Everything impure (time, language decision, NLU result, contexts read
from storage) arrives with the resume, so a turn replays exactly in a test. The engine knows
no feature: it dispatches through the registry every feature declared itself in (commands,
payload kinds, intents, menu items, waits, statuses, staff actions, system events), runs the
flows, and handles what is the same whatever the features — a message it cannot read, the
return after a long silence, a weak guess at the language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.engine import intents
from bot.engine.actions import DEFAULT_VALIDATORS, Action, Validator
from bot.engine.builtin import EngineBasics
from bot.engine.buttons import (
    AnswerButton,
    CommandButton,
    LanguageButton,
    RestartButton,
    ResumeButton,
)
from bot.engine.events import Event, MsgCreated
from bot.engine.flow_runner import FlowLoopError, FlowRunner
from bot.engine.inputs import (
    LanguageDecision,
    MsgResume,
    Resume,
    StaffResume,
    SystemResume,
    WaitTimeoutResume,
)
from bot.engine.messages import Button
from bot.engine.payloads import NotUnderstood, PayloadType, command_name, encode, kind_of
from bot.engine.registry import FeatureFactory, Registry, RegistryError
from bot.engine.services import PERSON_COMMAND, PERSON_MENU_ITEM, Services
from bot.engine.session import Session, SessionStatus
from bot.engine.state import EngineState, FlowState
from bot.engine.turn import Turn
from bot.flows.spec import Flow
from bot.i18n.catalog import Catalog
from bot.understanding.typed_buttons import typed_button

RETURN_AFTER = timedelta(hours=24)
MAX_MISSES = 2


class UnhandledResume(Exception):
    """A staff action or system event no feature registered: the caller's mistake, raised to
    it (the person is not sent an apology for it)."""


@dataclass(frozen=True, slots=True)
class Sprint:
    """The outcome of one resume: the new session and what happened, in order."""

    session: Session
    events: tuple[Event, ...]


class Engine:
    """Runs the conversation for one contact, one resume at a time."""

    def __init__(
        self,
        catalog: Catalog,
        flows: Mapping[str, Flow],
        retention_days: int,
        features: Sequence[FeatureFactory] = (),
        *,
        home_flow: str | None = None,
        validators: Mapping[str, Validator] | None = None,
    ) -> None:
        self._catalog = catalog
        self._retention_days = retention_days
        actions: dict[str, Action] = {}  # filled below, once every feature registered its own
        self.flows = FlowRunner(flows, actions, validators or DEFAULT_VALIDATORS)
        self.services = Services(catalog, self.flows)
        basics = EngineBasics(self, self.services, home_flow)
        self.registry = Registry([basics.feature(), *(make(self.services) for make in features)])
        actions.update(self.registry.actions)
        self.services.attach(self.registry)
        if features:
            self._check_person_offered()

    def _check_person_offered(self) -> None:
        if PERSON_MENU_ITEM not in self.registry.menu_items or (
            PERSON_COMMAND not in self.registry.commands
        ):
            raise RegistryError(
                f"the engine offers a person (menu item and command {PERSON_MENU_ITEM!r}); "
                "no feature provides them"
            )

    def new_session(self, language: LanguageDecision) -> Session:
        return Session(language=language.lang, language_source=language.source)

    def resume(
        self, session: Session, resume: Resume, loaded: Mapping[str, object] | None = None
    ) -> Sprint:
        """One turn; ``loaded`` holds the contexts the turn handler read for it so far."""
        previous_input = session.last_input_at
        if isinstance(resume, MsgResume):
            session = session.evolve(last_input_at=resume.now)
        turn = Turn(self._catalog, session, resume, self._retention_days, dict(loaded or {}))
        if isinstance(resume, MsgResume):
            turn.set_language(resume.language)
        produced_before = len(turn.events)
        try:
            self._dispatch(turn, previous_input)
        except FlowLoopError:
            # A content problem fails this conversation's flow kindly, without the flood of
            # messages the loop produced; the service goes on.
            del turn.events[produced_before:]
            state = turn.state(FlowState)
            turn.set_state(FlowState(answers=state.answers, only=state.only))
            turn.say("flow.failed")
            turn.flow_finished = True
        if turn.flow_finished and turn.session.status == SessionStatus.ACTIVE:
            self.services.main_menu(turn)
        message = turn.message
        if message and message.language.unsure and not turn.state(EngineState).language_checked:
            self._check_language(turn)
        _remember_buttons(turn)
        return Sprint(turn.session, tuple(turn.events))

    def _dispatch(self, turn: Turn, previous_input: datetime | None) -> None:
        resume = turn.resume
        if isinstance(resume, MsgResume):
            self._on_message(turn, resume, previous_input)
        elif isinstance(resume, WaitTimeoutResume):
            wait = self.registry.waits.get(resume.wait)
            # A timer for a wait the person already answered is stale: nothing to say.
            if turn.session.wait == resume.wait and wait is not None and wait.on_timeout:
                wait.on_timeout(turn)
        elif isinstance(resume, StaffResume):
            self._run_named(turn, self.registry.staff_actions, resume.action)
        elif isinstance(resume, SystemResume):
            self._run_named(turn, self.registry.system_events, resume.event)

    @staticmethod
    def _run_named(turn: Turn, handlers: Mapping[str, Callable[[Turn], None]], name: str) -> None:
        handler = handlers.get(name)
        if handler is None:
            raise UnhandledResume(f"no feature handles {turn.resume.CAUSE} {name!r}")
        handler(turn)

    def _check_language(self, turn: Turn) -> None:
        """A weak guess at the person's language: ask once, in that language, if it is right."""
        language = self._catalog.language(turn.lang)
        buttons = (
            turn.button("language.confirm_yes", LanguageButton(turn.lang)),
            turn.button("language.confirm_other", CommandButton("language")),
        )
        turn.say("language.confirm", buttons, name=language.native_name)
        turn.set_state(replace(turn.state(EngineState), language_checked=True))

    # A person's message -------------------------------------------------------------------

    def _on_message(self, turn: Turn, message: MsgResume, previous_input: datetime | None) -> None:
        misunderstood = turn.state(EngineState).misunderstood
        self._read_message(turn, message, previous_input)
        if misunderstood and turn.state(EngineState).misunderstood == misunderstood:
            # Anything else than another misunderstanding ends the series "in a row".
            turn.set_state(replace(turn.state(EngineState), misunderstood=0))

    def _read_message(
        self, turn: Turn, message: MsgResume, previous_input: datetime | None
    ) -> None:
        payload = None if message.payload is None else self.registry.codec.decode(message.payload)
        kind = _kind(payload)
        command = command_name(message.text)
        if command is None and kind == "cmd":
            command = payload.name if isinstance(payload, CommandButton) else ""
        status = self.registry.statuses.get(turn.session.status)
        if command is not None:
            self.run_command(turn, command)
        elif kind == "media":
            self.unsupported_media(turn)
        elif payload is None and self._screened(turn, message.text):
            return
        elif status is not None:
            typed = self._typed_button(turn, message.text, exact_only=True)
            if typed is not None and not isinstance(typed, NotUnderstood):
                self._read_pressed(turn, message, typed)
            else:
                status.on_message(turn)
        elif self._came_back(turn, previous_input, kind):
            self._welcome_back(turn)
        elif payload is not None:
            self._on_payload(turn, payload)
        elif (typed := self._typed_button(turn, message.text)) is not None:
            self._on_payload(turn, typed)
        else:
            self._on_text(turn, message)

    def _typed_button(
        self, turn: Turn, text: str | None, *, exact_only: bool = False
    ) -> PayloadType | NotUnderstood | None:
        """The button on screen the typed text means, decoded, or None."""
        if not text:
            return None
        # The menu button's title typed anywhere ("menu") is the menu, on screen or not.
        offered = (*turn.state(EngineState).offered, (turn.text("flow.menu"), "cmd:menu"))
        current = self.flows.current(turn)
        if current is not None and current[1].validator is not None:
            exact_only = True  # a typed number answers the question, not a button
        titles = [title for title, _ in offered]
        index = typed_button(text, titles, exact_only=exact_only, numbered=len(titles) - 1)
        return None if index is None else self.registry.codec.decode(offered[index][1])

    def _read_pressed(self, turn: Turn, message: MsgResume, payload: PayloadType) -> None:
        """A title typed while a status leads (handed over): what pressing it does."""
        wire = encode(payload)
        pressed = MsgResume(now=message.now, language=message.language, payload=wire)
        turn.resume = pressed
        self._read_message(turn, pressed, None)

    def _screened(self, turn: Turn, text: str | None) -> bool:
        return bool(text) and any(screen(turn, text or "") for screen in self.registry.screens)

    def run_command(self, turn: Turn, name: str) -> None:
        command = self.registry.commands.get(name)
        if command is None:
            turn.say("not_understood")
            self.services.main_menu(turn)
            return
        status = self.registry.statuses.get(turn.session.status)
        if status is not None and command.takes_back:
            turn.set_status(SessionStatus.ACTIVE)
            status.on_taken_back(turn)
        command.handle(turn)

    def unsupported_media(self, turn: Turn) -> None:
        """A voice note, photo or file: say kindly what the bot reads, offer a person."""
        buttons = [
            self.services.person_button(turn, "media"),
            turn.button("flow.menu", CommandButton("menu")),
        ]
        if self.services.in_flow(turn):
            buttons.insert(0, turn.button("flow.resume", ResumeButton()))
        turn.say("media.unsupported", tuple(buttons))

    def _came_back(self, turn: Turn, previous_input: datetime | None, kind: str | None) -> bool:
        if previous_input is None or not self.services.in_flow(turn):
            return False
        if kind in {"flow", "lang"}:
            return False
        return turn.now - previous_input > RETURN_AFTER

    def _welcome_back(self, turn: Turn) -> None:
        buttons = (
            turn.button("flow.resume", ResumeButton()),
            turn.button("flow.restart", RestartButton()),
        )
        turn.say("flow.welcome_back", buttons)
        turn.wait_for("welcome_back")

    def _on_payload(self, turn: Turn, payload: PayloadType | NotUnderstood) -> None:
        owner = self.registry.payloads.get(_kind(payload) or "")
        if owner is not None and owner.handle(turn, payload):
            return
        # An old, already used or forged button: say so kindly and show what is possible.
        turn.say("flow.expired")
        self.services.reask_or_menu(turn)

    # Free text ------------------------------------------------------------------------------

    def _on_text(self, turn: Turn, message: MsgResume) -> None:
        text = message.text or ""
        in_flow = self.services.in_flow(turn) and not self.registry.pauses_questions(
            turn.session.wait
        )
        if in_flow and self.flows.questions.answer_text(turn, text):
            return
        if any(matcher(turn, text) for matcher in self.registry.text_matchers):
            return
        nlu = message.nlu
        if nlu is None or message.nlu_unavailable:
            if message.nlu_ready_in_minutes is not None:
                turn.say("nlu_training", minutes=message.nlu_ready_in_minutes)
            else:
                turn.say("nlu_unavailable")
            if not (in_flow and self.flows.reask(turn)):
                self.services.main_menu(turn)
            return
        intent = intents.confident_intent(nlu)
        registered = self.registry.intents.get(intent or "")
        if in_flow and not (registered and registered.digression):
            self._missed(turn)
            return
        if registered is None or intent is None:
            self._not_understood(turn, nlu.ranking if intent is None else ())
            return
        registered.handle(turn, registered.name)

    def _not_understood(self, turn: Turn, ranking: tuple[tuple[str, float], ...]) -> None:
        """Offer the likeliest meanings or the menu; a second time in a row, a person too."""
        person = (
            (self.services.person_button(turn, "misunderstood"),)
            if self._count_misunderstanding(turn) >= MAX_MISSES
            else ()
        )
        if self._offer_likeliest(turn, ranking, person):
            return
        if person:
            turn.say("not_understood", (*person, turn.button("flow.menu", CommandButton("menu"))))
            return
        turn.say("not_understood")
        self.services.main_menu(turn)

    @staticmethod
    def _count_misunderstanding(turn: Turn) -> int:
        state = turn.state(EngineState)
        turn.set_state(replace(state, misunderstood=state.misunderstood + 1))
        return state.misunderstood + 1

    def _offer_likeliest(
        self,
        turn: Turn,
        ranking: tuple[tuple[str, float], ...],
        extra: tuple[Button, ...] = (),
    ) -> bool:
        """Unsure of the meaning: offer the two likeliest intents as buttons, not a guess."""
        buttons = intents.likeliest_buttons(turn, ranking, self.registry.intents)
        if buttons is None:
            return False
        menu = turn.button("flow.menu", CommandButton("menu"))
        turn.say("not_understood", (*buttons, *extra, menu))
        return True

    def _missed(self, turn: Turn) -> None:
        misses = turn.state(FlowState).misses + 1
        if misses < MAX_MISSES:
            self.flows.reask(turn, hint=True)
            turn.set_state(replace(turn.state(FlowState), misses=misses))
            return
        current = self.flows.current(turn)
        buttons = [
            self.services.person_button(turn, "misunderstood"),
            turn.button("flow.resume", ResumeButton()),
        ]
        if current is not None and current[1].optional:
            skip = AnswerButton(current[1].id, "SKIPPED")
            buttons.insert(1, turn.button("flow.prefer_not_to_say", skip))
        turn.say("flow.offer_person", tuple(buttons))
        turn.set_state(replace(turn.state(FlowState), misses=0))


def _kind(payload: PayloadType | NotUnderstood | None) -> str | None:
    if payload is None:
        return None
    if isinstance(payload, NotUnderstood):
        return payload.kind
    return kind_of(type(payload))


def _remember_buttons(turn: Turn) -> None:
    """The buttons of this turn's answer are what the person has on screen now; a turn that
    said nothing (a relayed message) leaves the screen as it was."""
    said = [event.message for event in turn.events if isinstance(event, MsgCreated)]
    if not said:
        return
    offered = tuple((b.title, b.payload) for message in said for b in message.buttons)
    state = turn.state(EngineState)
    if offered != state.offered:
        turn.set_state(replace(state, offered=offered))
