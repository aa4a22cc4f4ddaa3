"""Typed answers to a question: numbers, labels, synonyms, misspellings."""

from __future__ import annotations

import pytest

from bot.understanding.options import Choice, match_many, match_one

REGIONS = [
    Choice("BXL", "Bruxelles", ("bruxelles", "brussel", "schaerbeek")),
    Choice("ANT", "Province d'Anvers", ("anvers", "antwerpen")),
    Choice("LGE", "Province de Liège", ("liege", "luik", "verviers")),
    Choice("NA", "Ne pas répondre"),
]
SITUATIONS = [
    Choice("UNEMP", "Allocation chômage", ("chomage", "werkloosheid")),
    Choice("RIS", "Revenu d'intégration", ("cpas", "ocmw", "ris")),
    Choice("EMPLOYED", "Salarié(e)", ("salarie", "job")),
]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1", "BXL"),
        ("3", "LGE"),
        (" 2 ", "ANT"),
        ("Bruxelles", "BXL"),
        ("bruxelles", "BXL"),
        ("j'habite à Liège", "LGE"),
        ("luik", "LGE"),
        ("Verviers", "LGE"),
        ("bruxeles", "BXL"),  # misspelt
        ("antwerpn", "ANT"),  # misspelt
        ("ne pas repondre", "NA"),
        ("la province d'anvers svp", "ANT"),
        ("9", None),  # no such option
        ("je ne sais pas quoi dire", None),
        ("", None),
    ],
)
def test_single_answers(typed: str, code: str | None) -> None:
    assert match_one(typed, REGIONS) == code


BANK = [
    Choice("B_REFUSED", "Refus de la banque"),
    Choice("B_NOT_TRIED", "Pas encore demandé"),
    Choice("B_OK", "Oui, la banque prête"),
]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("la banque a refusé", "B_REFUSED"),
        ("pas encore demande", "B_NOT_TRIED"),
        ("oui la banque me prete", "B_OK"),
        ("banque", None),  # two options mention the bank equally
    ],
)
def test_answers_sharing_most_words_of_one_label(typed: str, code: str | None) -> None:
    assert match_one(typed, BANK) == code


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("1, 2", ["UNEMP", "RIS"]),
        ("1 et 3", ["UNEMP", "EMPLOYED"]),
        ("chomage et cpas", ["UNEMP", "RIS"]),
        ("ocmw", ["RIS"]),
        ("1, 7", []),
    ],
)
def test_multiple_answers(typed: str, codes: list[str]) -> None:
    assert match_many(typed, SITUATIONS) == codes
