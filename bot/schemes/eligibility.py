"""Indicative eligibility: which schemes are likely, which are possible but to check, and why.

Never a decision: "unknown never rejects" (schemes.md §15). A rule that cannot be decided
because an answer is missing, skipped or "don't know" makes the scheme *to check*, naming
the answers to check; an adviser always confirms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.flows.conditions import Answers, Unknown, names_in
from bot.schemes.catalogue import Caveat, Scheme, SchemeCatalogue


class Verdict(StrEnum):
    LIKELY = "likely"
    TO_CHECK = "to_check"
    ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class SchemeResult:
    scheme: Scheme
    verdict: Verdict
    to_check: tuple[str, ...] = ()  # answer names whose value would decide
    amount: int | None = None
    caveats: tuple[Caveat, ...] = ()


def assess(scheme: Scheme, answers: Answers) -> SchemeResult:
    assert scheme.eligible is not None, f"{scheme.id} is information only"
    outcome = scheme.eligible.evaluate(answers)
    if outcome is False:
        return SchemeResult(scheme, Verdict.ABSENT)
    unknown = tuple(
        sorted(name for name in names_in(scheme.eligible) if Unknown(name).evaluate(answers))
    )
    amount = next((a.amount for a in scheme.amounts if a.when.evaluate(answers) is True), None)
    caveats = tuple(
        c for c in scheme.caveats if c.when is None or c.when.evaluate(answers) is not False
    )
    verdict = Verdict.LIKELY if outcome is True else Verdict.TO_CHECK
    return SchemeResult(scheme, verdict, unknown if outcome is None else (), amount, caveats)


def assess_all(catalogue: SchemeCatalogue, answers: Answers) -> list[SchemeResult]:
    return [assess(scheme, answers) for scheme in catalogue.results()]


def needed_answers(scheme: Scheme, answers: Mapping[str, object]) -> Sequence[str]:
    """The answers this scheme's rule reads that the person has not given yet."""
    if scheme.eligible is None:
        return ()
    return sorted(name for name in names_in(scheme.eligible) if name not in answers)
