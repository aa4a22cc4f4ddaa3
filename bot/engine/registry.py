"""What each feature handles, declared once and checked at start.

A feature package (booking, schemes, handoff...) describes itself with a ``Feature``: the
payload kinds, commands, intents, menu items, flow actions, waits, staff actions, system
events, session states, shared facts and contexts it owns. The engine builds one
``Registry`` from all of them when it starts; two features claiming the same payload kind,
command, intent, menu item, action, wait, state or fact is an error that names both, so a
conflict is found before the first person writes, not in their conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from bot.engine.actions import Action
from bot.engine.messages import Button
from bot.engine.payloads import NotUnderstood, PayloadCodec, PayloadType, kind_of
from bot.engine.session import SessionStatus
from bot.engine.state import ENGINE_SECTIONS, FeatureState

if TYPE_CHECKING:
    from bot.engine.services import Services
    from bot.engine.turn import Turn

Handler = Callable[["Turn"], None]
# A payload of the kind a feature owns, typed, or NotUnderstood when it did not decode; the
# handler answers True when it dealt with it (False: the engine says the button is stale).
PayloadHandler = Callable[["Turn", PayloadType | NotUnderstood], bool]
IntentHandler = Callable[["Turn", str], None]
TextMatcher = Callable[["Turn", str], bool]
# ``/start <prefix><value>`` (a Telegram deep link, a poster's QR code): the handler gets value.
StartLink = Callable[["Turn", str], None]
Label = Callable[["Turn"], str | None]
# A button that hands the conversation to a person, saying why (``misunderstood``, ``media``):
# the engine's fallbacks offer it; the feature that leads handoffs builds it.
PersonOffer = Callable[["Turn", str], "Button"]


# A feature is built with the engine's services and describes itself.
FeatureFactory = Callable[["Services"], "Feature"]


class RegistryError(ValueError):
    """Two features claim the same thing, or a declaration is incomplete."""


@dataclass(frozen=True, slots=True)
class PayloadKind:
    kind: str  # the first segment of the wire form: "bk" for "bk:s:..."
    types: tuple[type[PayloadType], ...]
    handle: PayloadHandler


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    handle: Handler
    # /start, /menu and /cancel take a conversation back from a staff member to the bot.
    takes_back: bool = False


@dataclass(frozen=True, slots=True)
class Intent:
    name: str
    handle: IntentHandler
    digression: bool = False  # may interrupt a flow's questions; the bot then offers to go on
    label: Label | None = None  # offered as an ``int:`` button when the meaning is unsure


@dataclass(frozen=True, slots=True)
class MenuItem:
    name: str
    handle: Handler
    position: int  # where it stands in the main menu, smallest first


@dataclass(frozen=True, slots=True)
class Wait:
    """Something the bot waits for that is not a flow's question."""

    name: str
    pauses_questions: bool = True  # typed text then is not read as an answer to the question
    on_timeout: Handler | None = None


@dataclass(frozen=True, slots=True)
class Status:
    """A session status a feature leads (``handed_over``): what a message does while in it,
    and what is said when a command takes the conversation back."""

    status: SessionStatus
    on_message: Handler
    on_taken_back: Handler


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    payloads: tuple[PayloadKind, ...] = ()
    commands: tuple[Command, ...] = ()
    intents: tuple[Intent, ...] = ()
    menu: tuple[MenuItem, ...] = ()
    actions: Mapping[str, Action] | None = None
    waits: tuple[Wait, ...] = ()
    statuses: tuple[Status, ...] = ()
    staff_actions: Mapping[str, Handler] | None = None
    system_events: Mapping[str, Handler] | None = None
    text_matchers: tuple[TextMatcher, ...] = ()  # free text a feature recognises itself
    # Typed text read before anything else, whatever the conversation is doing (urgent words):
    # a screen answering True has dealt with the message.
    screens: tuple[TextMatcher, ...] = ()
    person_offer: PersonOffer | None = None
    states: tuple[type[FeatureState], ...] = ()
    facts: tuple[str, ...] = ()  # what it concludes for others to read (turn.fact)
    contexts: tuple[str, ...] = ()  # named contexts it may ask the turn handler for
    start_links: Mapping[str, StartLink] | None = None  # prefix ("event_") -> handler


class _Claims:
    """name -> the feature that claimed it, refusing a second claim."""

    def __init__(self, what: str) -> None:
        self._what = what
        self.owners: dict[str, str] = {}

    def claim(self, name: str, feature: str) -> None:
        owner = self.owners.get(name)
        if owner is not None:
            raise RegistryError(
                f"{self._what} {name!r} is claimed by both {owner!r} and {feature!r}"
            )
        self.owners[name] = feature


class Registry:
    """Every feature's declarations, merged into lookups the engine dispatches through."""

    def __init__(self, features: Sequence[Feature]) -> None:
        self.features = tuple(features)
        self.payloads: dict[str, PayloadKind] = {}
        self.commands: dict[str, Command] = {}
        self.intents: dict[str, Intent] = {}
        self.actions: dict[str, Action] = {}
        self.waits: dict[str, Wait] = {}
        self.statuses: dict[SessionStatus, Status] = {}
        self.staff_actions: dict[str, Handler] = {}
        self.system_events: dict[str, Handler] = {}
        self.contexts: dict[str, str] = {}
        self.start_links: dict[str, StartLink] = {}
        self.text_matchers: tuple[TextMatcher, ...] = ()
        self.screens: tuple[TextMatcher, ...] = ()
        self.person_offer: PersonOffer | None = None
        menu: list[MenuItem] = []
        claims = {what: _Claims(what) for what in _CLAIMED}
        for feature in features:
            claims["feature"].claim(feature.name, feature.name)
            self._add(feature, claims)
            menu += feature.menu
            self.text_matchers += feature.text_matchers
            self.screens += feature.screens
            if feature.person_offer is not None:
                claims["person offer"].claim("person offer", feature.name)
                self.person_offer = feature.person_offer
        for section in ENGINE_SECTIONS:
            if section in claims["session state"].owners:
                owner = claims["session state"].owners[section]
                raise RegistryError(f"session state {section!r} of {owner!r} is the engine's")
        self.menu = tuple(sorted(menu, key=lambda item: item.position))
        self._check_menu(menu)
        self.codec = PayloadCodec(t for kind in self.payloads.values() for t in kind.types)

    def _add(self, feature: Feature, claims: dict[str, _Claims]) -> None:
        name = feature.name
        for payload in feature.payloads:
            claims["payload kind"].claim(payload.kind, name)
            wrong = [t.TAG for t in payload.types if kind_of(t) != payload.kind]
            if wrong:
                raise RegistryError(f"{name}: payload tags {wrong} are not of kind {payload.kind}")
            self.payloads[payload.kind] = payload
        _merge(self.commands, ((c.name, c) for c in feature.commands), claims["command"], name)
        _merge(self.intents, ((i.name, i) for i in feature.intents), claims["intent"], name)
        _merge(self.actions, (feature.actions or {}).items(), claims["action"], name)
        _merge(self.waits, ((w.name, w) for w in feature.waits), claims["wait"], name)
        _merge(self.statuses, ((s.status, s) for s in feature.statuses), claims["status"], name)
        staff = (feature.staff_actions or {}).items()
        _merge(self.staff_actions, staff, claims["staff action"], name)
        events = (feature.system_events or {}).items()
        _merge(self.system_events, events, claims["system event"], name)
        _merge(self.contexts, ((c, name) for c in feature.contexts), claims["context"], name)
        links = (feature.start_links or {}).items()
        _merge(self.start_links, links, claims["start link"], name)
        for state in feature.states:
            claims["session state"].claim(state.KEY, name)
        for fact in feature.facts:
            claims["fact"].claim(fact, name)
        for item in feature.menu:
            claims["menu item"].claim(item.name, name)

    @staticmethod
    def _check_menu(menu: list[MenuItem]) -> None:
        positions = [item.position for item in menu]
        if len(set(positions)) != len(positions):
            raise RegistryError(f"two menu items share a position: {sorted(positions)}")

    @property
    def menu_items(self) -> tuple[str, ...]:
        return tuple(item.name for item in self.menu)

    def menu_item(self, name: str) -> MenuItem | None:
        return next((item for item in self.menu if item.name == name), None)

    def start_link(self, argument: str) -> tuple[StartLink, str] | None:
        """The handler of ``/start <argument>`` and the value after its prefix, if any."""
        for prefix, handler in self.start_links.items():
            if argument.startswith(prefix) and len(argument) > len(prefix):
                return handler, argument[len(prefix) :]
        return None

    def pauses_questions(self, wait: str | None) -> bool:
        registered = self.waits.get(wait or "")
        return registered is not None and registered.pauses_questions


_CLAIMED = (
    "feature",
    "payload kind",
    "command",
    "intent",
    "menu item",
    "action",
    "wait",
    "status",
    "staff action",
    "system event",
    "context",
    "start link",
    "session state",
    "fact",
    "person offer",
)


K = TypeVar("K")
V = TypeVar("V")


def _merge(into: dict[K, V], items: Iterable[tuple[K, V]], claims: _Claims, feature: str) -> None:
    for key, value in items:
        claims.claim(str(key), feature)
        into[key] = value
