"""The feature registry: built once at start, refusing two features claiming one thing and
naming both; a new feature plugs in without a change to the engine."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

import pytest

from adapters.composition import BOOKING_LINKS
from bot.booking.buttons import ChooseType
from bot.engine.actions import ActionOutcome
from bot.engine.registry import (
    Command,
    Feature,
    Intent,
    MenuItem,
    PayloadKind,
    Registry,
    RegistryError,
)
from bot.engine.services import Services
from bot.engine.session import SessionStatus
from bot.engine.state import FlowState
from bot.engine.turn import Turn
from bot.features import build_engine
from bot.flows.loader import FlowError, load_flow
from tests.engine.test_runner import FR, resume, run, texts
from tests.support.builders import catalog, content, engine


def nothing(_turn: Turn, *_args: object) -> None:
    return None


def never(_turn: Turn, _payload: object) -> bool:
    return False


@dataclass(frozen=True)
class Seats:
    TAG: ClassVar[str] = "ev:s"
    event: int


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (
            Feature("booking", payloads=(PayloadKind("bk", (ChooseType,), never),)),
            Feature("events", payloads=(PayloadKind("bk", (), never),)),
            "payload kind 'bk' is claimed by both 'booking' and 'events'",
        ),
        (
            Feature("schemes", intents=(Intent("ask_events", nothing),)),
            Feature("infoweek", intents=(Intent("ask_events", nothing),)),
            "intent 'ask_events' is claimed by both 'schemes' and 'infoweek'",
        ),
        (
            Feature("a", commands=(Command("human", nothing),)),
            Feature("b", commands=(Command("human", nothing),)),
            "command 'human' is claimed by both 'a' and 'b'",
        ),
        (
            Feature("a", menu=(MenuItem("events", nothing, 1),)),
            Feature("b", menu=(MenuItem("events", nothing, 2),)),
            "menu item 'events' is claimed by both 'a' and 'b'",
        ),
        (
            Feature("a", actions={"x.start": lambda turn: ActionOutcome.STOP}),
            Feature("b", actions={"x.start": lambda turn: ActionOutcome.STOP}),
            "action 'x.start' is claimed by both 'a' and 'b'",
        ),
        (
            Feature("a", facts=("route",)),
            Feature("b", facts=("route",)),
            "fact 'route' is claimed by both 'a' and 'b'",
        ),
    ],
)
def test_two_features_claiming_one_thing_is_an_error_naming_both(
    first: Feature, second: Feature, message: str
) -> None:
    with pytest.raises(RegistryError, match=message):
        Registry([first, second])


def test_a_feature_may_not_take_a_section_of_the_engines_session_state() -> None:
    @dataclass(frozen=True)
    class Sneaky(FlowState):
        KEY: ClassVar[str] = "flow"

    with pytest.raises(RegistryError, match="session state 'flow' of 'sneaky'"):
        Registry([Feature("sneaky", states=(Sneaky,))])


def test_a_payload_type_must_be_of_the_kind_it_is_declared_under() -> None:
    with pytest.raises(RegistryError, match="not of kind ev"):
        Registry([Feature("events", payloads=(PayloadKind("ev", (ChooseType,), never),))])


def test_two_menu_items_in_one_place_are_refused() -> None:
    with pytest.raises(RegistryError, match="share a position"):
        Registry(
            [
                Feature("a", menu=(MenuItem("x", nothing, 5),)),
                Feature("b", menu=(MenuItem("y", nothing, 5),)),
            ]
        )


def test_the_standard_features_claim_what_the_engine_dispatches() -> None:
    registry = engine().registry
    owners = {feature.name for feature in registry.features}
    assert owners == {"engine", "prequal", "schemes", "booking", "infoweek", "handoff", "privacy"}
    assert registry.menu_items == (
        "prequalification",
        "schemes",
        "appointment",
        "events",
        "human",
        "language",
    )
    assert set(registry.actions) == {"schemes.evaluate", "booking.start", "handoff.start"}
    assert registry.contexts == {
        "booking.calendar": "booking",
        "infoweek.events": "infoweek",
        "privacy.kept": "privacy",
    }
    assert set(registry.start_links) == {"event_"}
    assert SessionStatus.HANDED_OVER in registry.statuses


def test_two_features_claiming_one_start_link_are_refused() -> None:
    links = {"event_": lambda turn, value: None}
    with pytest.raises(RegistryError, match="start link 'event_' is claimed by both"):
        Registry([Feature("a", start_links=links), Feature("b", start_links=links)])


def test_a_new_feature_plugs_in_with_no_change_to_the_engine() -> None:
    """An info-week-like feature: its own button kind, menu item and command."""

    def events(services: Services) -> Feature:
        def seats(turn: Turn, payload: object) -> bool:
            if not isinstance(payload, Seats):
                return False
            turn.say_text(f"seats for event {payload.event}")
            services.main_menu(turn)
            return True

        return Feature(
            "seats",
            payloads=(PayloadKind("ev", (Seats,), seats),),
            commands=(Command("seats", lambda turn: turn.say_text("which event?")),),
        )

    bot = engine(events)
    _, pressed = run(bot, bot.new_session(FR), resume(payload="ev:s:12"))
    assert texts(pressed) == ["seats for event 12", catalog().text("fr", "menu.prompt")]
    _, typed = run(bot, bot.new_session(FR), resume(text="/seats"))
    assert texts(typed) == ["which event?"]
    _, forged = run(bot, bot.new_session(FR), resume(payload="ev:s:twelve"))
    assert texts(forged)[0] == catalog().text("fr", "flow.expired")


def test_the_engine_refuses_to_start_when_a_feature_clashes_with_a_standard_one() -> None:
    def rival(_services: Services) -> Feature:
        return Feature("rival", intents=(Intent("book_appointment", nothing),))

    with pytest.raises(RegistryError, match="'booking' and 'rival'"):
        engine(rival)


def test_a_flow_calling_an_action_no_feature_registered_stops_the_start(tmp_path: Path) -> None:
    flow = tmp_path / "prequalification.yml"
    flow.write_text(
        "spec_version: 1\nid: prequalification\nstart: a\nnodes:\n"
        "  - {id: a, action: nobody.does, next: b}\n  - {id: b, end: true}\n",
        encoding="utf-8",
    )
    changed = replace(content(), flows={"prequalification": load_flow(flow)})
    with pytest.raises(FlowError, match=r"node a: action 'nobody\.does' is not registered"):
        build_engine(changed, 180, BOOKING_LINKS)
