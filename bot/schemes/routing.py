"""Which appointment to offer after the pre-qualification (schemes.md §15)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from bot.flows.conditions import Answers, Condition, parse_condition
from bot.schemes.eligibility import SchemeResult, Verdict


class Route(StrEnum):
    HUB_WORKER = "hub_worker"  # community hub for people without papers (Schaerbeek)
    MICROSTART_FINANCING = "microstart_financing"
    MICROSTART_COACHING = "microstart_coaching"
    INFORMATION = "information"  # information and referral (Actiris/VDAB/Forem, CPAS, ...)


OFFICES = {
    "BXL": "brussels",
    "ANT": "antwerp",
    "GNT": "ghent",
    "VLA_OTHER": "ghent_or_antwerp",
    "LGE": "liege",
    "CRL": "charleroi",
    "WAL_OTHER": "liege_or_charleroi",
    "DG": "liege_or_charleroi",
}


def appointment_route(
    answers: Answers,
    predicates: Mapping[str, Condition],
    credit: bool | None,
    coaching: bool | None,
) -> Route:
    """``credit``/``coaching``: the microStart rules' outcomes (None when unknown)."""
    if parse_condition("UNDOC", predicates).evaluate(answers) is True:
        return Route.HUB_WORKER
    if parse_condition("Q10 == ASYLUM and VLA", predicates).evaluate(answers) is True:
        # No self-employment possible yet in Flanders during the asylum procedure.
        return Route.HUB_WORKER
    if credit is not False:  # unknown never rejects
        return Route.MICROSTART_FINANCING
    if coaching is not False:
        return Route.MICROSTART_COACHING
    return Route.INFORMATION


def microstart_office(answers: Answers) -> str:
    region = answers.get("Q1")
    return OFFICES.get(region, "remote") if isinstance(region, str) else "remote"


def route_for(
    answers: Answers, predicates: Mapping[str, Condition], results: list[SchemeResult]
) -> Route:
    verdicts = {result.scheme.id: result.verdict for result in results}
    return appointment_route(
        answers,
        predicates,
        _outcome(verdicts.get("microstart_credit")),
        _outcome(verdicts.get("microstart_coaching")),
    )


def _outcome(verdict: Verdict | None) -> bool | None:
    if verdict is None or verdict == Verdict.TO_CHECK:
        return None
    return verdict == Verdict.LIKELY
