"""Forged, stale and garbled button payloads through the real turn handler and database:
the person is told kindly that the button is not understood or out of date and shown what
is possible — never the internal-error apology, never an exception."""

from __future__ import annotations

import dataclasses
import itertools
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from adapters.collecting import CollectingSender
from adapters.db.database import make_engine, migrate
from bot.conversation import TurnHandler
from bot.engine.messages import Inbound, Outbound
from bot.engine.payloads import NotUnderstood, PayloadCodec, PayloadType
from tests.properties.hostile import numbers_as_text, tricky_text
from tests.support import builders
from tests.support.stubs import ScriptedNlu, StepClock

_users = itertools.count()
EXAMPLES_RUN = {"forged": 0}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("forged") / "forged.sqlite3"
    url = f"sqlite:///{path}"
    migrate(url)
    engine = make_engine(url)
    builders.load_demo_data(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def handler(demo_db: Engine) -> TurnHandler:
    return builders.turn_handler(demo_db, ScriptedNlu(), StepClock())


def handler_codec() -> PayloadCodec:
    return builders.engine().registry.codec


def _payload_types() -> list[type[PayloadType]]:
    registry = builders.engine().registry
    return [t for kind in registry.payloads.values() for t in kind.types]


def _field_value(kind: type) -> st.SearchStrategy[str]:
    if kind is int:
        return numbers_as_text
    return st.one_of(
        st.from_regex(r"[A-Za-z0-9_.\-]{1,12}", fullmatch=True),
        st.sampled_from(["MS-7K4Q", "share", "private", "-", "fr", "financing", "SKIPPED"]),
        tricky_text,
    )


@st.composite
def forged_payloads(draw: st.DrawFn) -> str:
    """A payload of a real type with hostile field values, or any string at all."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.one_of(tricky_text, st.text(max_size=64)).filter(bool))
    payload_type = draw(st.sampled_from(_payload_types()))
    hints = typing.get_type_hints(payload_type)
    described = dataclasses.fields(payload_type)  # type: ignore[arg-type]
    fields = [draw(_field_value(hints[f.name])) for f in described]
    cut = draw(st.integers(0, len(fields) + 1))
    extra = [draw(_field_value(str))] if cut > len(fields) else []
    return ":".join([payload_type.TAG, *fields[:cut], *extra])


# Each case reaches a step of the booking dialogue (or none) before the forged press.
STEPS = {
    "start": [],
    "menu": ["cmd:menu"],
    "type": ["menu:appointment"],
    "place": ["menu:appointment", "bk:t:financing"],
    "slot": ["menu:appointment", "bk:t:financing", "bk:p:1"],
    "prequal": ["menu:prequalification"],
}


async def _say(handler: TurnHandler, user: str, payload: str) -> list[Outbound]:
    outcome = await handler.handle(Inbound("webchat", user, payload=payload), CollectingSender())
    return list(outcome.messages)


@settings(max_examples=150)
@given(
    step=st.sampled_from(sorted(STEPS)),
    payloads=st.lists(forged_payloads(), min_size=1, max_size=3),
)
@example(step="slot", payloads=["bk:s:1:1:9999999999999999999"])  # OverflowError once
@example(step="slot", payloads=["bk:s:1:1:99999999"])  # "year out of range" once
@example(step="place", payloads=["bk:p:²"])  # isdigit accepts it, int does not
@example(step="place", payloads=["bk:s:1:1:29401620"])  # a slot at the place step: KeyError once
@example(step="type", payloads=["bk:s:1:999999999:29401620"])
@example(step="slot", payloads=["bk:y:share", "bk:cy:MS-7K4Q", "bk:rl:MS-7K4Q:ps"])
async def test_a_forged_or_stale_payload_never_gets_the_apology(
    handler: TurnHandler, step: str, payloads: list[str]
) -> None:
    EXAMPLES_RUN["forged"] += 1
    user = f"forger-{next(_users):06d}-abcdefghijklmnop"
    apology = {builders.catalog().text(lang, "error.generic") for lang in builders.catalog().codes}
    for genuine in STEPS[step]:
        await _say(handler, user, genuine)
    codec = handler_codec()
    for index, payload in enumerate(payloads):
        answer = await _say(handler, user, payload)
        assert answer, f"{payload!r} got no answer"
        assert not [m.text for m in answer if m.text in apology], payload
        if index == 0 and isinstance(codec.decode(payload), NotUnderstood):
            assert answer[-1].buttons, f"{payload!r}: the answer offers nothing to do next"
