"""Questions about schemes, by button, by name or by intent: the card, its details and
sources, and "am I eligible?" asking only the questions that scheme's rule still needs."""

from __future__ import annotations

from collections.abc import Callable

from bot.engine.flow_runner import FlowRunner
from bot.engine.intents import REGIONAL_PREMIUMS, SCHEME_INTENTS
from bot.engine.turn import Turn
from bot.schemes.catalogue import Scheme
from bot.schemes.eligibility import needed_answers
from bot.schemes.presenting import SchemePresenter

SCHEME_BUTTONS = frozenset({"s", "sd", "ss", "se"})  # card, details, sources, eligibility


class SchemeQuestions:
    def __init__(
        self,
        presenter: SchemePresenter,
        flows: FlowRunner,
        questions_flow: str,
        offer_resume: Callable[[Turn], None],
    ) -> None:
        self._presenter = presenter
        self._flows = flows
        self._questions_flow = questions_flow
        self._offer_resume = offer_resume

    def on_button(self, turn: Turn, kind: str, value: str) -> bool:
        """A scheme button (``s:``, ``sd:``, ``ss:``, ``se:`` + scheme id); False if not one."""
        scheme = self._presenter.catalogue.schemes.get(value)
        if kind not in SCHEME_BUTTONS or scheme is None:
            return False
        if kind == "s":
            self._presenter.card(turn, scheme)
        elif kind == "sd":
            self._presenter.details(turn, scheme)
        elif kind == "ss":
            self._presenter.sources(turn, scheme)
        else:
            self._am_i_eligible(turn, scheme)
        return True

    def on_named(self, turn: Turn, text: str) -> bool:
        """A scheme named in free text gets its card; False if the text names none."""
        named = self._presenter.catalogue.named_in(text)
        if named is None:
            return False
        self._presenter.card(turn, named)
        self._resume_if_in_questions(turn)
        return True

    def on_intent(self, turn: Turn, intent: str) -> None:
        schemes = self._presenter.catalogue.schemes
        scheme_id = SCHEME_INTENTS.get(intent) or self._regional_premium(turn)
        if scheme_id is not None and scheme_id in schemes:
            self._presenter.card(turn, schemes[scheme_id])
        elif intent == "ask_regional_premium":
            prompt = "schemes.regional_prompt"
            self._presenter.choose(turn, prompt, tuple(REGIONAL_PREMIUMS.values()))
        else:
            self._presenter.menu(turn)
        self._resume_if_in_questions(turn)

    def _am_i_eligible(self, turn: Turn, scheme: Scheme) -> None:
        needed = needed_answers(scheme, turn.answers)
        if not needed:
            self._presenter.show_verdict(turn, scheme)
            return
        turn.put(stack=None, only=list(needed), eligibility_for=scheme.id)
        self._flows.start(turn, self._questions_flow)

    def _regional_premium(self, turn: Turn) -> str | None:
        """The premium of the region the person's answers place them in, if known."""
        for predicate, scheme_id in REGIONAL_PREMIUMS.items():
            if self._presenter.catalogue.predicates[predicate].evaluate(turn.answers) is True:
                return scheme_id
        return None

    def _resume_if_in_questions(self, turn: Turn) -> None:
        if self._flows.current(turn) is not None:
            self._offer_resume(turn)
