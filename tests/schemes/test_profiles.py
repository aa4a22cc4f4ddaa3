"""The eligibility rules against a table of anonymous profiles derived by hand from §15."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.schemes.catalogue import SchemeCatalogue, load_schemes
from bot.schemes.eligibility import Verdict, assess_all
from bot.schemes.routing import route_for

ROOT = Path(__file__).resolve().parents[2]
PROFILES = yaml.safe_load((Path(__file__).with_name("profiles.yml")).read_text(encoding="utf-8"))[
    "profiles"
]


@pytest.fixture(scope="module")
def catalogue() -> SchemeCatalogue:
    return load_schemes(ROOT / "flows" / "schemes", ["fr", "nl", "en"])


def test_the_table_is_large_enough_and_names_only_real_schemes(catalogue: SchemeCatalogue) -> None:
    assert len(PROFILES) >= 40
    named = {
        scheme_id
        for profile in PROFILES
        for key in ("likely", "to_check", "amounts", "caveats")
        for scheme_id in profile.get(key) or ()
    }
    assert named <= set(catalogue.schemes)
    assert {s.id for s in catalogue.results()} <= named, "every rule is exercised"


@pytest.mark.parametrize("profile", PROFILES, ids=[p["name"] for p in PROFILES])
def test_profile(profile: dict[str, Any], catalogue: SchemeCatalogue) -> None:
    answers = profile["answers"]
    results = assess_all(catalogue, answers)
    by_id = {result.scheme.id: result for result in results}

    likely = sorted(r.scheme.id for r in results if r.verdict == Verdict.LIKELY)
    to_check = {r.scheme.id: list(r.to_check) for r in results if r.verdict == Verdict.TO_CHECK}
    assert likely == sorted(profile.get("likely") or [])
    assert to_check == (profile.get("to_check") or {})
    assert route_for(answers, catalogue.predicates, results).value == profile["route"]
    for scheme_id, amount in (profile.get("amounts") or {}).items():
        assert by_id[scheme_id].amount == amount, scheme_id
    for scheme_id, count in (profile.get("caveats") or {}).items():
        assert len(by_id[scheme_id].caveats) == count, scheme_id
