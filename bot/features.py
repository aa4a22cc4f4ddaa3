"""The features this bot runs, in one list: what the composition root and the tests build
the engine with. Adding a feature is a package of its own and one line here; the engine
itself does not change."""

from __future__ import annotations

from bot.booking.confirming import BookingLinks
from bot.booking.feature import booking
from bot.content import Content
from bot.engine.registry import FeatureFactory
from bot.engine.runner import Engine
from bot.flows.loader import FlowError
from bot.flows.validate import action_problems
from bot.handoff.feature import handoff
from bot.infoweek.feature import infoweek
from bot.prequal.feature import FLOW_ID as PREQUALIFICATION
from bot.prequal.feature import prequal
from bot.privacy.feature import privacy
from bot.schemes.feature import schemes


def standard_features(content: Content, links: BookingLinks) -> tuple[FeatureFactory, ...]:
    return (
        prequal,
        schemes(content.schemes, questions_flow=PREQUALIFICATION),
        booking(links),
        infoweek(links.ics_domain),
        handoff(content.handoff),
        privacy,
    )


def build_engine(
    content: Content, retention_days: int, links: BookingLinks, *extra: FeatureFactory
) -> Engine:
    """The engine with every standard feature (and ``extra`` ones, in tests); raises
    RegistryError when two features claim one thing, FlowError when a flow calls an action
    no feature registered."""
    engine = Engine(
        content.catalog,
        content.flows,
        retention_days,
        (*standard_features(content, links), *extra),
        home_flow=PREQUALIFICATION,
    )
    problems = action_problems(content.flows, engine.registry.actions)
    if problems:
        raise FlowError("\n".join(problems))
    return engine
