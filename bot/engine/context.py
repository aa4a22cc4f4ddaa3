"""Context on demand: data from storage a feature needs before it can answer.

A feature names what it needs with a ``ContextKey`` (``booking.calendar``) and reads it with
``turn.context(key)``. The engine reads no database: when the turn does not carry that context
yet, ``NeedsContext`` stops the turn, the turn handler loads it through the provider
registered under that name and runs the turn again. Turns that never ask never pay for it.

When committing the turn finds the world changed under it (a slot or a seat taken since the
context was read), the store raises a ``ContextConflict`` that knows how to amend the context;
the turn handler runs the turn again with the amended context, so the person is answered
with what is true now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ContextKey(Generic[T]):
    name: str
    kind: type[T]

    def read(self, loaded: Mapping[str, object]) -> T:
        value = loaded.get(self.name)
        if value is None:
            raise NeedsContext(self.name)
        if not isinstance(value, self.kind):
            raise TypeError(f"context {self.name!r} is a {type(value).__name__}")
        return value


class NeedsContext(Exception):
    """The turn needs the named context; the turn handler loads it and runs the turn again."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the turn needs the context {name!r}")
        self.name = name


class ContextConflict(Exception):
    """Committing the turn contradicted a context it was computed from."""

    context: str

    def amend(self, value: object) -> object:
        """The context as it is now that the conflict is known."""
        raise NotImplementedError
