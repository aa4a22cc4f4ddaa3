"""What the person reads about schemes: results of the pre-qualification, one scheme's card,
its details and sources, and the answer to "am I eligible?". Always indicative."""

from __future__ import annotations

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.engine.actions import ActionOutcome
from bot.engine.buttons import MenuButton
from bot.engine.messages import Button
from bot.engine.payloads import encode
from bot.engine.turn import Turn
from bot.schemes.buttons import SchemeCard, SchemeDetails, SchemeEligibility, SchemeSources
from bot.schemes.catalogue import Scheme, SchemeCatalogue
from bot.schemes.eligibility import SchemeResult, Verdict, assess, assess_all
from bot.schemes.routing import microstart_office, route_for
from bot.schemes.state import APPOINTMENT_ROUTE, MICROSTART_OFFICE, SchemesState

# The answer names of the pre-qualification, and the text keys of their short labels.
QUESTION_KEYS = {
    "Q1": "q1", "Q2": "q2", "Q3": "q3", "Q4": "q4", "Q5": "q5", "Q6": "q6", "Q7": "q7",
    "Q8": "q8", "Q9": "q9", "Q10": "q10", "Q11": "q11", "Q12_AGE": "q12_age",
    "Q12_GENDER": "q12_gender",
}  # fmt: skip


def amount_text(turn: Turn, amount: int) -> str:
    locale = turn.catalog.language(turn.lang).locale
    return f"{format_decimal(amount, locale=locale)} €"


def _result_text(turn: Turn, result: SchemeResult) -> str:
    scheme, lang = result.scheme, turn.lang
    lines = [f"• {scheme.text('names', lang)}"]
    if result.verdict == Verdict.LIKELY:
        lines.append(scheme.text("because", lang))
    else:
        questions = ", ".join(
            turn.text(f"prequal.{QUESTION_KEYS[name]}.short") for name in result.to_check
        )
        lines.append(turn.text("schemes.results.to_check_line", questions=questions))
    if result.amount is not None:
        lines.append(turn.text("schemes.results.amount", amount=amount_text(turn, result.amount)))
    lines += [f"⚠ {caveat.text[lang]}" for caveat in result.caveats]
    return "\n".join(lines)


class SchemePresenter:
    def __init__(self, catalogue: SchemeCatalogue) -> None:
        self.catalogue = catalogue

    def evaluate_action(self, turn: Turn) -> ActionOutcome:
        """``action: schemes.evaluate`` at the end of the pre-qualification."""
        answers = turn.answers
        target = turn.state(SchemesState).eligibility_for
        if target is not None and target in self.catalogue.schemes:
            turn.set_state(SchemesState())
            self.show_verdict(turn, self.catalogue.schemes[target])
            return ActionOutcome.CONTINUE
        results = assess_all(self.catalogue, answers)
        schemes = [r for r in results if r.scheme.kind == "scheme"]
        likely = [r for r in schemes if r.verdict == Verdict.LIKELY]
        to_check = [r for r in schemes if r.verdict == Verdict.TO_CHECK]
        # Information (a professional card, proof of skills) is said only when it applies:
        # when unknown, the schemes' own caveats already mention it.
        good_to_know = [
            r for r in results if r.scheme.kind == "information" and r.verdict == Verdict.LIKELY
        ]
        if not likely and not to_check:
            turn.say("prequal.results.none")
        for title, group in (
            ("schemes.results.likely_title", likely),
            ("schemes.results.to_check_title", to_check),
            ("schemes.results.good_to_know_title", good_to_know),
        ):
            if group:
                turn.say_text(
                    "\n\n".join([turn.text(title), *(_result_text(turn, r) for r in group)])
                )
        route = route_for(answers, self.catalogue.predicates, results)
        turn.set_fact(APPOINTMENT_ROUTE, route.value)
        turn.set_fact(MICROSTART_OFFICE, microstart_office(answers))
        if likely or to_check:
            turn.say("schemes.results.disclaimer")
        if self.catalogue.predicates["UNDOC"].evaluate(answers) is True:
            turn.say("schemes.undocumented")
        turn.say(f"schemes.route.{route.value}")
        return ActionOutcome.CONTINUE

    def menu(self, turn: Turn) -> None:
        buttons = tuple(
            Button(scheme.text("button", turn.lang), encode(SchemeCard(scheme.id)))
            for scheme in self.catalogue.schemes.values()
        )
        turn.say("schemes.menu", buttons)
        turn.wait_for("schemes_menu")

    def choose(self, turn: Turn, key: str, scheme_ids: tuple[str, ...]) -> None:
        """A short list of schemes to choose from (the regional premiums, say)."""
        buttons = tuple(
            Button(self.catalogue.schemes[i].text("button", turn.lang), encode(SchemeCard(i)))
            for i in scheme_ids
            if i in self.catalogue.schemes
        )
        turn.say(key, buttons)

    def card(self, turn: Turn, scheme: Scheme) -> None:
        lang = turn.lang
        text = f"{scheme.text('names', lang)}\n{scheme.text('summary', lang)}"
        buttons = [turn.button("schemes.buttons.details", SchemeDetails(scheme.id))]
        if scheme.kind == "scheme" and scheme.eligible is not None:
            buttons.append(turn.button("schemes.buttons.eligible", SchemeEligibility(scheme.id)))
        buttons += [
            turn.button("schemes.buttons.appointment", MenuButton("appointment")),
            turn.button("schemes.buttons.sources", SchemeSources(scheme.id)),
        ]
        turn.say_text(text, tuple(buttons))

    def details(self, turn: Turn, scheme: Scheme) -> None:
        turn.say_text(
            scheme.text("details", turn.lang),
            (turn.button("schemes.buttons.others", MenuButton("schemes")),),
        )

    def sources(self, turn: Turn, scheme: Scheme) -> None:
        locale = turn.catalog.language(turn.lang).locale
        lines = [
            turn.text(
                "schemes.sources_title",
                date=format_date(scheme.verified_on, "long", locale=locale),
            )
        ]
        lines += [f"{source.title}: {source.url}" for source in scheme.sources]
        turn.say_text("\n".join(lines))

    def show_verdict(self, turn: Turn, scheme: Scheme) -> None:
        result = assess(scheme, turn.answers)
        name = scheme.text("names", turn.lang)
        turn.say(f"schemes.verdict.{result.verdict.value}", name=name)
        if result.verdict != Verdict.ABSENT:
            turn.say_text(_result_text(turn, result))
        turn.say("schemes.results.disclaimer")
