"""The condition language: parsing, three-valued evaluation, and refusals."""

from __future__ import annotations

import pytest

from bot.flows.conditions import ConditionError, names_in, parse_condition, parse_predicates

ANSWERS = {"Q1": "LGE", "Q2": ["UNEMP", "RIS"], "Q5": "MAIN", "Q7": "NA", "Q10": "SKIPPED"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q1 == LGE", True),
        ("Q1 != LGE", False),
        ("Q1 in [BXL, LGE]", True),
        ("Q1 in [BXL]", False),
        ("Q2 has RIS", True),
        ("Q2 has SICK", False),
        ("Q7 == B_CDS", None),  # prefer not to say: unknown
        ("Q10 == NONE", None),  # skipped: unknown
        ("Q3 == J_NO", None),  # not asked yet: unknown
        ("not Q7 == B_CDS", None),
        ("Q7 == B_CDS and Q1 == BXL", False),  # unknown and false is false
        ("Q7 == B_CDS or Q1 == LGE", True),  # unknown or true is true
        ("Q7 == B_CDS and Q1 == LGE", None),
        ("Q1 == LGE and (Q5 == MAIN or Q5 == COMPL)", True),
        ("not (Q1 == BXL)", True),
        ("answered(Q10)", True),
        ("answered(Q3)", False),
        ("Q7 in [B_OK, NA]", True),  # a rule that names "prefer not to say" decides on it
        ("unknown(Q10)", True),
        ("unknown(Q3)", True),
        ("unknown(Q1)", False),
    ],
)
def test_evaluation_is_three_valued(text: str, expected: bool | None) -> None:
    assert parse_condition(text).evaluate(ANSWERS) is expected


@pytest.mark.parametrize(
    "text",
    [
        "Q1 = LGE",
        "Q1 ==",
        "Q1 in [BXL, ]",
        "Q1 in BXL",
        "(Q1 == LGE",
        "Q1 == LGE extra",
        "__import__('os')",
        "Q1 == 'LGE'",
        "Q1 like LGE",
        "x" * 600,
    ],
)
def test_malformed_conditions_are_refused(text: str) -> None:
    with pytest.raises(ConditionError):
        parse_condition(text)


def test_named_predicates_build_on_each_other() -> None:
    predicates = parse_predicates({"WAL": "Q1 in [LGE, CRL]", "WAL_MAIN": "WAL and Q5 == MAIN"})
    assert parse_condition("WAL_MAIN", predicates).evaluate(ANSWERS) is True
    assert parse_condition("not WAL", predicates).evaluate(ANSWERS) is False
    with pytest.raises(ConditionError, match="unknown predicate 'VLA'"):
        parse_condition("VLA or WAL", predicates)


def test_names_in_lists_every_answer_read() -> None:
    condition = parse_condition("Q1 == BXL and (Q2 has RIS or not answered(Q10))")
    assert names_in(condition) == {"Q1", "Q2", "Q10"}
