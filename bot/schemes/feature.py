"""Schemes in the chat: the menu of schemes, a scheme's card, details and sources by button,
by name or by intent, the results at the end of the pre-qualification (``schemes.evaluate``),
and "am I eligible?" asking only the questions that scheme's rule still needs."""

from __future__ import annotations

from bot.engine.payloads import NotUnderstood, PayloadType
from bot.engine.registry import (
    Feature,
    FeatureFactory,
    Intent,
    Label,
    MenuItem,
    PayloadKind,
    Wait,
)
from bot.engine.services import Services
from bot.engine.turn import Turn
from bot.schemes.buttons import SchemeCard, SchemeDetails, SchemeEligibility, SchemeSources
from bot.schemes.catalogue import Scheme, SchemeCatalogue
from bot.schemes.eligibility import needed_answers
from bot.schemes.presenting import SchemePresenter
from bot.schemes.state import APPOINTMENT_ROUTE, MICROSTART_OFFICE, SchemesState

# What people ask about, and the scheme that answers it.
SCHEME_INTENTS = {
    "ask_microcredit": "microstart_credit",
    "ask_tremplin": "tremplin",
    "ask_cpas_support": "cpas_route",
    "ask_undocumented": "saamo_hub",
    "ask_newcomer_incubator": "interlab",
    "ask_management_knowledge": "regulated_profession",
}
REGIONAL_PREMIUMS = {"BXL": "actiris_premium", "VLA": "transitiepremie", "WAL": "airbag"}


class Schemes:
    def __init__(self, services: Services, catalogue: SchemeCatalogue, questions_flow: str):
        self._services = services
        self._presenter = SchemePresenter(catalogue)
        self._catalogue = catalogue
        self._questions_flow = questions_flow  # the flow whose answers the rules read

    def feature(self) -> Feature:
        kinds = (SchemeCard, SchemeDetails, SchemeSources, SchemeEligibility)
        scheme_intents = tuple(
            Intent(name, self.on_intent, digression=True, label=self._scheme_label(scheme_id))
            for name, scheme_id in SCHEME_INTENTS.items()
        )
        return Feature(
            name="schemes",
            payloads=tuple(PayloadKind(t.TAG, (t,), self._on_button) for t in kinds),
            menu=(MenuItem("schemes", self._presenter.menu, position=20),),
            intents=(
                *scheme_intents,
                Intent(
                    "ask_regional_premium",
                    self.on_intent,
                    digression=True,
                    label=lambda turn: turn.text("menu.schemes"),
                ),
            ),
            actions={"schemes.evaluate": self._presenter.evaluate_action},
            # Typed text at the schemes menu may still answer a question in progress.
            waits=(Wait("schemes_menu", pauses_questions=False),),
            text_matchers=(self._on_named,),
            states=(SchemesState,),
            facts=(APPOINTMENT_ROUTE, MICROSTART_OFFICE),
        )

    def _scheme_label(self, scheme_id: str) -> Label:
        def label(turn: Turn) -> str | None:
            scheme = self._catalogue.schemes.get(scheme_id)
            return scheme.text("button", turn.lang) if scheme is not None else None

        return label

    def _on_button(self, turn: Turn, payload: PayloadType | NotUnderstood) -> bool:
        if isinstance(payload, NotUnderstood):
            return False
        scheme = self._catalogue.schemes.get(getattr(payload, "scheme", ""))
        if scheme is None:
            return False
        if isinstance(payload, SchemeCard):
            self._presenter.card(turn, scheme)
        elif isinstance(payload, SchemeDetails):
            self._presenter.details(turn, scheme)
        elif isinstance(payload, SchemeSources):
            self._presenter.sources(turn, scheme)
        else:
            self._am_i_eligible(turn, scheme)
        return True

    def _on_named(self, turn: Turn, text: str) -> bool:
        """A scheme named in free text gets its card; False if the text names none."""
        named = self._catalogue.named_in(text)
        if named is None:
            return False
        self._presenter.card(turn, named)
        self._resume_if_in_questions(turn)
        return True

    def on_intent(self, turn: Turn, intent: str) -> None:
        schemes = self._catalogue.schemes
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
        turn.set_state(SchemesState(eligibility_for=scheme.id))
        self._services.start_flow(turn, self._questions_flow, only=tuple(needed))

    def _regional_premium(self, turn: Turn) -> str | None:
        """The premium of the region the person's answers place them in, if known."""
        for predicate, scheme_id in REGIONAL_PREMIUMS.items():
            if self._catalogue.predicates[predicate].evaluate(turn.answers) is True:
                return scheme_id
        return None

    def _resume_if_in_questions(self, turn: Turn) -> None:
        if self._services.in_flow(turn):
            self._services.offer_resume(turn)


def schemes(catalogue: SchemeCatalogue, questions_flow: str) -> FeatureFactory:
    """The feature factory: ``schemes(catalogue, "prequalification")`` for the engine."""
    return lambda services: Schemes(services, catalogue, questions_flow).feature()
