"""All conversation content at once: languages, texts and flows, checked against each other."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from bot.flows.loader import FlowError, load_flows
from bot.flows.spec import Flow
from bot.flows.validate import flow_problems
from bot.handoff.desks import load_desks
from bot.handoff.feature import HandoffContent
from bot.handoff.urgent import load_urgent_words
from bot.i18n.catalog import Catalog, load_catalog
from bot.schemes.catalogue import SchemeCatalogue, load_schemes
from bot.understanding.lexicon import intents_in


@dataclass(frozen=True, slots=True)
class Content:
    catalog: Catalog
    flows: dict[str, Flow]
    schemes: SchemeCatalogue
    handoff: HandoffContent


def load_content(
    content_dir: Path,
    nlu_dir: Path,
    *,
    validators: Collection[str],
    actions: Collection[str] | None = None,
    default_language: str = "fr",
) -> Content:
    """Load and cross-check everything; raises CatalogError or FlowError listing each problem.

    The flow actions are checked here when given, else when the engine is built
    (``bot.features.build_engine``), against those the features registered."""
    catalog = load_catalog(content_dir, default_language)
    flows = load_flows(content_dir)
    problems = flow_problems(
        flows,
        text_keys=catalog.texts[catalog.default_language].keys(),
        intents=intents_in(nlu_dir, catalog.codes),
        actions=actions,
        validators=validators,
    )
    if problems:
        raise FlowError("\n".join(problems))
    schemes = load_schemes(content_dir / "schemes", catalog.codes)
    handoff = HandoffContent(
        desks=load_desks(content_dir / "handoff.yml"),
        urgent=load_urgent_words(content_dir / "urgent.yml", catalog.codes),
    )
    missing = [
        f"{lang}: handoff.desks.{code}"
        for code in handoff.desks.desks
        for lang in catalog.codes
        if not catalog.has(f"handoff.desks.{code}")
    ]
    if missing:
        raise FlowError("texts missing for the handoff desks: " + ", ".join(missing))
    return Content(catalog=catalog, flows=flows, schemes=schemes, handoff=handoff)
