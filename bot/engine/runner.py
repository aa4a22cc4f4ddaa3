"""The engine: resumes a session with the person's input and returns the events of the turn.

Pure: no clock, no I/O. Everything impure (time, language decision, NLU result) arrives in
the resume, so a turn replays exactly in a test. Global behaviour lives here — commands, the
main and language menus, handoff, digressions, the return after a long silence — and the
flows themselves are run by ``FlowRunner``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.booking.dialogue import BookingDialogue
from bot.engine import intents
from bot.engine.actions import DEFAULT_VALIDATORS, Action, ActionOutcome, Validator
from bot.engine.events import ContactForgotten, Event, MsgRelayed
from bot.engine.flow_runner import FlowLoopError, FlowRunner
from bot.engine.inputs import LanguageDecision, LanguageSource, MsgResume
from bot.engine.messages import Button
from bot.engine.payloads import command_name, prefixed, split_answer
from bot.engine.scheme_questions import SchemeQuestions
from bot.engine.session import Session, SessionStatus
from bot.engine.turn import Turn
from bot.flows.spec import Flow
from bot.i18n.catalog import Catalog
from bot.schemes.catalogue import SchemeCatalogue
from bot.schemes.presenting import SchemePresenter

MENU_ITEMS = ("prequalification", "schemes", "appointment", "events", "human", "language")
PREQUALIFICATION = "prequalification"
RETURN_AFTER = timedelta(hours=24)
MAX_MISSES = 2
ACTION_NAMES = frozenset({"schemes.evaluate", "handoff.start", "booking.start"})


@dataclass(frozen=True, slots=True)
class Sprint:
    """The outcome of one resume: the new session and what happened, in order."""

    session: Session
    events: tuple[Event, ...]


class Engine:
    """Runs the conversation for one contact, one input at a time."""

    def __init__(
        self,
        catalog: Catalog,
        flows: Mapping[str, Flow],
        retention_days: int,
        schemes: SchemeCatalogue,
        validators: Mapping[str, Validator] | None = None,
    ) -> None:
        self._catalog = catalog
        self._retention_days = retention_days
        self.schemes = SchemePresenter(schemes)
        registered: dict[str, Action] = {
            "schemes.evaluate": self.schemes.evaluate_action,
            "handoff.start": self._handoff_action,
            "booking.start": self._booking_action,
        }
        self.booking = BookingDialogue(self._main_menu)
        self.flows = FlowRunner(flows, registered, validators or DEFAULT_VALIDATORS)
        self._scheme_questions = SchemeQuestions(
            self.schemes, self.flows, PREQUALIFICATION, self._offer_resume
        )
        self._commands: dict[str, Callable[[Turn], None]] = {
            "start": self._greet,
            "menu": self._main_menu,
            "language": self._language_menu,
            "help": self._help,
            "human": lambda turn: self._hand_over(turn, "asked"),
            "privacy": lambda turn: self._inform(turn, "privacy"),
            "mydata": self._my_data,
            "forget": self._forget,
            "cancel": self._cancel,
        }

    def new_session(self, language: LanguageDecision) -> Session:
        return Session(language=language.lang, language_source=language.source)

    def resume(self, session: Session, resume: MsgResume) -> Sprint:
        previous_input = session.last_input_at
        turn = Turn(
            self._catalog, session.evolve(last_input_at=resume.now), resume, self._retention_days
        )
        turn.set_language(resume.language)
        produced_before = len(turn.events)
        try:
            self._dispatch(turn, previous_input)
        except FlowLoopError:
            # A content problem fails this conversation's flow kindly, without the flood of
            # messages the loop produced; the service goes on.
            del turn.events[produced_before:]
            turn.put(stack=None, editing=None, returning_to=None, multi=None, misses=None)
            turn.say("flow.failed")
            turn.flow_finished = True
        if turn.flow_finished and turn.session.status == SessionStatus.ACTIVE:
            self._main_menu(turn)
        if resume.language.unsure and not turn.get("language_checked"):
            self._check_language(turn)
        return Sprint(turn.session, tuple(turn.events))

    def _check_language(self, turn: Turn) -> None:
        """A weak guess at the person's language: ask once, in that language, if it is right."""
        language = self._catalog.language(turn.lang)
        buttons = (
            turn.button("language.confirm_yes", f"lang:{turn.lang}"),
            turn.button("language.confirm_other", "cmd:language"),
        )
        turn.say("language.confirm", buttons, name=language.native_name)
        turn.put(language_checked=True)

    def _dispatch(self, turn: Turn, previous_input: datetime | None) -> None:
        resume = turn.resume
        command = command_name(resume.text) or prefixed(resume.payload, "cmd:")
        if command is not None:
            self._run_command(turn, command)
        elif prefixed(resume.payload, "media:") is not None:
            self._unsupported_media(turn)
        elif turn.session.status == SessionStatus.HANDED_OVER:
            self._relay(turn)
        elif self._came_back(turn, previous_input):
            self._welcome_back(turn)
        elif resume.payload is not None:
            self._on_payload(turn, resume.payload)
        else:
            self._on_text(turn)

    # Commands and menus -----------------------------------------------------------------

    def _run_command(self, turn: Turn, command: str) -> None:
        handler = self._commands.get(command)
        if handler is None:
            turn.say("not_understood")
            self._main_menu(turn)
            return
        if turn.session.status == SessionStatus.HANDED_OVER and command in {
            "start",
            "menu",
            "cancel",
        }:
            turn.set_status(SessionStatus.ACTIVE)
            turn.put(handoff_acknowledged=None)
            turn.say("handoff.ended")
        handler(turn)

    def _unsupported_media(self, turn: Turn) -> None:
        """A voice note, photo or file: say kindly what the bot reads, offer a person."""
        buttons = [turn.button("menu.human", "cmd:human"), turn.button("flow.menu", "cmd:menu")]
        if self.flows.current(turn) is not None:
            buttons.insert(0, turn.button("flow.resume", "flow:resume"))
        turn.say("media.unsupported", tuple(buttons))

    def _greet(self, turn: Turn) -> None:
        turn.say("greeting")
        self._main_menu(turn)

    def _main_menu(self, turn: Turn) -> None:
        buttons = [turn.button(f"menu.{item}", f"menu:{item}") for item in MENU_ITEMS]
        if self.flows.current(turn) is not None:
            buttons.insert(0, turn.button("flow.resume", "flow:resume"))
        turn.say("menu.prompt", tuple(buttons))
        turn.wait_for("main_menu")

    def _language_menu(self, turn: Turn) -> None:
        buttons = tuple(
            Button(language.native_name, f"lang:{language.code}")
            for language in self._catalog.languages
        )
        turn.say("language.prompt", buttons)
        turn.wait_for("language_menu")

    def _help(self, turn: Turn) -> None:
        self._inform(turn, "help")

    def _inform(self, turn: Turn, key: str, **params: object) -> None:
        """Answer a side question, then offer to go on with the questions or the menu."""
        turn.say(key, (), **params)
        if self.flows.current(turn) is not None:
            self._offer_resume(turn)
        elif key == "help":
            self._main_menu(turn)

    def _offer_resume(self, turn: Turn) -> None:
        buttons = (turn.button("flow.resume", "flow:resume"), turn.button("flow.menu", "cmd:menu"))
        turn.say("flow.resume_offer", buttons)
        turn.wait_for("resume_offer")

    def _my_data(self, turn: Turn) -> None:
        language = self._catalog.language(turn.lang).native_name
        self._inform(turn, "mydata", language=language)

    def _forget(self, turn: Turn) -> None:
        turn.emit(ContactForgotten())
        turn.say("forget.done")
        turn.session = self.new_session(LanguageDecision(turn.lang, LanguageSource.DEFAULT))

    def _cancel(self, turn: Turn) -> None:
        if self.flows.current(turn) is not None:
            turn.put(
                stack=None, editing=None, returning_to=None, multi=None, misses=None, only=None
            )
            turn.say("flow.cancelled")
        else:
            turn.say("cancel.done")
        self._main_menu(turn)

    # Handoff --------------------------------------------------------------------------------

    def _hand_over(self, turn: Turn, reason: str) -> None:
        turn.set_status(SessionStatus.HANDED_OVER, reason)
        turn.wait_for(None)
        turn.say("handoff.started")

    def _booking_action(self, turn: Turn) -> ActionOutcome:
        self.booking.start(turn)
        return ActionOutcome.STOP

    def _handoff_action(self, turn: Turn) -> ActionOutcome:
        self._hand_over(turn, "prequalification")
        return ActionOutcome.STOP

    def _relay(self, turn: Turn) -> None:
        if turn.resume.text is not None:
            turn.emit(MsgRelayed(turn.resume.text))
        if not turn.get("handoff_acknowledged"):
            turn.say("handoff.relayed")
            turn.put(handoff_acknowledged=True)

    # Coming back after a long silence ----------------------------------------------------

    def _came_back(self, turn: Turn, previous_input: datetime | None) -> bool:
        if previous_input is None or self.flows.current(turn) is None:
            return False
        payload = turn.resume.payload or ""
        if payload.startswith(("flow:", "lang:")):
            return False
        return turn.resume.now - previous_input > RETURN_AFTER

    def _welcome_back(self, turn: Turn) -> None:
        buttons = (
            turn.button("flow.resume", "flow:resume"),
            turn.button("flow.restart", "flow:restart"),
        )
        turn.say("flow.welcome_back", buttons)
        turn.wait_for("welcome_back")

    # Buttons --------------------------------------------------------------------------------

    def _on_payload(self, turn: Turn, payload: str) -> None:
        kind, _, value = payload.partition(":")
        if kind == "lang" and value in self._catalog.codes:
            turn.set_language(LanguageDecision(value, LanguageSource.EXPLICIT))
            turn.say("language.changed")
            if not self.flows.reask(turn):
                self._main_menu(turn)
        elif kind == "menu" and value in MENU_ITEMS:
            self._on_menu_item(turn, value)
        elif self._flow_button(turn, kind, value):
            return
        elif kind == "bk":
            self.booking.on_payload(turn, value)
        elif kind == "int" and intents.offerable(value):
            self._on_intent(turn, value)
        elif self._scheme_questions.on_button(turn, kind, value):
            return
        elif payload == "flow:resume":
            if not self.flows.reask(turn):
                self._main_menu(turn)
        elif payload == "flow:restart":
            turn.put(
                stack=None, answers=None, editing=None, returning_to=None, multi=None, only=None
            )
            self.flows.start(turn, PREQUALIFICATION)
        else:
            # An old, already used or forged button: say so kindly and show what is possible.
            turn.say("flow.expired")
            if not self.flows.reask(turn):
                self._main_menu(turn)

    def _flow_button(self, turn: Turn, kind: str, value: str) -> bool:
        """An answer (``a:<node>:<code>``) or a summary change (``e:<node>``) still valid."""
        if kind == "a":
            return self.flows.answer_payload(turn, *split_answer(value))
        return kind == "e" and self.flows.edit(turn, value)

    def _on_menu_item(self, turn: Turn, item: str) -> None:
        if item == "prequalification":
            self._start_prequalification(turn)
        elif item == "human":
            self._hand_over(turn, "menu")
        elif item == "language":
            self._language_menu(turn)
        elif item == "schemes":
            self.schemes.menu(turn)
        elif item == "appointment":
            self.booking.start(turn)
        else:
            self._not_ready(turn)

    def _start_prequalification(self, turn: Turn) -> None:
        current = self.flows.current(turn)
        if current is not None and current[0].id == PREQUALIFICATION:
            self.flows.reask(turn)
        else:
            self.flows.start(turn, PREQUALIFICATION)

    def _not_ready(self, turn: Turn) -> None:
        buttons = (turn.button("menu.human", "menu:human"), turn.button("menu.back", "cmd:menu"))
        turn.say("not_ready", buttons)

    # Free text ------------------------------------------------------------------------------

    def _on_text(self, turn: Turn) -> None:
        text = turn.resume.text or ""
        in_flow = self.flows.current(turn) is not None and turn.session.wait not in {
            "main_menu",
            "language_menu",
            "resume_offer",
            "welcome_back",
        }
        if in_flow and self.flows.answer_text(turn, text):
            return
        if self._scheme_questions.on_named(turn, text):
            return
        nlu = turn.resume.nlu
        if nlu is None or turn.resume.nlu_unavailable:
            if turn.resume.nlu_ready_in_minutes is not None:
                turn.say("nlu_training", minutes=turn.resume.nlu_ready_in_minutes)
            else:
                turn.say("nlu_unavailable")
            if not (in_flow and self.flows.reask(turn)):
                self._main_menu(turn)
            return
        intent = intents.confident_intent(nlu)
        if in_flow and intent not in intents.DIGRESSIONS:
            self._missed(turn)
            return
        if intent is None and self._offer_likeliest(turn, nlu.ranking):
            return
        self._on_intent(turn, intent)

    def _offer_likeliest(self, turn: Turn, ranking: tuple[tuple[str, float], ...]) -> bool:
        """Unsure of the meaning: offer the two likeliest intents as buttons, not a guess."""
        buttons = intents.likeliest_buttons(turn, ranking, self.schemes.catalogue)
        if buttons is None:
            return False
        turn.say("not_understood", (*buttons, turn.button("flow.menu", "cmd:menu")))
        return True

    def _missed(self, turn: Turn) -> None:
        misses = int(turn.get("misses", 0)) + 1
        if misses < MAX_MISSES:
            self.flows.reask(turn, hint=True)
            turn.put(misses=misses)
            return
        current = self.flows.current(turn)
        buttons = [
            turn.button("menu.human", "menu:human"),
            turn.button("flow.resume", "flow:resume"),
        ]
        if current is not None and current[1].optional:
            buttons.insert(1, turn.button("flow.prefer_not_to_say", f"a:{current[1].id}:SKIPPED"))
        turn.say("flow.offer_person", tuple(buttons))
        turn.put(misses=None)

    def _on_intent(self, turn: Turn, intent: str | None) -> None:
        if intent == "greet":
            self._greet(turn)
        elif intent == "start_prequalification":
            self._start_prequalification(turn)
        elif intent in intents.SCHEME_INTENTS or intent == "ask_regional_premium":
            self._scheme_questions.on_intent(turn, intent)
        elif intent == "book_appointment":
            self.booking.start(turn)
        elif intent in {"cancel_appointment", "reschedule_appointment"}:
            self.booking.cancel_or_move(turn)
        elif intent in intents.PENDING_INTENTS:
            self._not_ready(turn)
            if self.flows.current(turn) is not None:
                self._offer_resume(turn)
        elif intent == "human_handoff":
            self._hand_over(turn, "asked")
        elif intent == "change_language":
            self._language_menu(turn)
        elif intent in {"help", "privacy"}:
            self._inform(turn, intent)
        elif intent in {"thanks", "goodbye"}:
            turn.say(intent)
        elif intent == "out_of_scope":
            self._inform(turn, "out_of_scope")
            if self.flows.current(turn) is None:
                self._main_menu(turn)
        else:
            turn.say("not_understood")
            self._main_menu(turn)
