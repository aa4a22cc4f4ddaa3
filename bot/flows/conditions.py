"""A small, safe condition language over the person's answers (no ``eval``).

    Q1 == BXL                    single answer equals a code
    Q1 in [LGE, CRL, WAL_OTHER]  single answer is one of the codes
    Q2 has UNEMP                 multi answer contains a code
    answered(Q10)                the question was answered (skipping counts as answered)
    unknown(Q10)                 not answered, skipped, "prefer not to say" or "don't know"
    BXL                          a named predicate (flows/schemes/_predicates.yml)
    not (...), ... and ..., ... or ...

Answers that are missing, skipped, "prefer not to say" (NA) or "don't know" (DK) make a
comparison *unknown*, and the logic is three-valued (Kleene): ``unknown and false`` is
false, ``unknown or true`` is true. Callers decide what unknown means: for eligibility,
"possible, to check"; for showing a question, "no".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

UNKNOWN_CODES = frozenset({"NA", "DK", "J_DK", "F_DK", "SKIPPED"})
MAX_CONDITION_CHARS = 500
Answers = Mapping[str, str | Sequence[str]]

_TOKEN = re.compile(r"\s*(?:(==|!=|\(|\)|\[|\]|,)|([A-Za-z_][A-Za-z0-9_]*))")


class ConditionError(ValueError):
    """A condition that does not parse; the message says where."""


@dataclass(frozen=True, slots=True)
class Compare:
    name: str
    op: str  # "==", "!=", "in", "has"
    codes: tuple[str, ...]

    def evaluate(self, answers: Answers) -> bool | None:
        value = answers.get(self.name)
        if value is None:
            return None
        chosen = (value,) if isinstance(value, str) else tuple(value)
        # A skipped question is the flow's "prefer not to say": `Q1 == NA` matches it.
        chosen = tuple("NA" if code == "SKIPPED" else code for code in chosen)
        # "Don't know" is unknown, unless the rule names it: `Q6 in [F_LT5K, F_DK]`.
        known = [code for code in chosen if code not in UNKNOWN_CODES or code in self.codes]
        if not known:
            return None
        if self.op == "has":
            return self.codes[0] in known
        hit = known[0] in self.codes
        return not hit if self.op == "!=" else hit


@dataclass(frozen=True, slots=True)
class Answered:
    name: str

    def evaluate(self, answers: Answers) -> bool | None:
        return self.name in answers


@dataclass(frozen=True, slots=True)
class Unknown:
    """True when the answer is missing, skipped, "prefer not to say" or "don't know"."""

    name: str

    def evaluate(self, answers: Answers) -> bool | None:
        value = answers.get(self.name)
        if value is None:
            return True
        chosen = (value,) if isinstance(value, str) else tuple(value)
        # A skipped question is the flow's "prefer not to say": `Q1 == NA` matches it.
        chosen = tuple("NA" if code == "SKIPPED" else code for code in chosen)
        return all(code in UNKNOWN_CODES for code in chosen)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Condition

    def evaluate(self, answers: Answers) -> bool | None:
        value = self.operand.evaluate(answers)
        return None if value is None else not value


@dataclass(frozen=True, slots=True)
class All:
    operands: tuple[Condition, ...]

    def evaluate(self, answers: Answers) -> bool | None:
        values = [operand.evaluate(answers) for operand in self.operands]
        if False in values:
            return False
        return None if None in values else True


@dataclass(frozen=True, slots=True)
class Any_:
    operands: tuple[Condition, ...]

    def evaluate(self, answers: Answers) -> bool | None:
        values = [operand.evaluate(answers) for operand in self.operands]
        if True in values:
            return True
        return None if None in values else False


Condition = Compare | Answered | Unknown | Not | All | Any_


def parse_predicates(definitions: Mapping[str, str]) -> dict[str, Condition]:
    """Named conditions, each may use the ones defined before it (in file order)."""
    predicates: dict[str, Condition] = {}
    for name, text in definitions.items():
        try:
            predicates[name] = parse_condition(text, predicates)
        except ConditionError as error:
            raise ConditionError(f"predicate {name}: {error}") from error
    return predicates


def names_in(condition: Condition) -> set[str]:
    """The answer names a condition reads, for validation and 'what is left to ask'."""
    match condition:
        case Compare(name=name) | Answered(name=name) | Unknown(name=name):
            return {name}
        case Not(operand=operand):
            return names_in(operand)
        case All(operands=operands) | Any_(operands=operands):
            return set().union(*(names_in(operand) for operand in operands))
    raise TypeError(condition)  # pragma: no cover


def parse_condition(text: str, predicates: Mapping[str, Condition] | None = None) -> Condition:
    """Parse ``text``; a bare name is a predicate from ``predicates`` (e.g. ``BXL``)."""
    if len(text) > MAX_CONDITION_CHARS:
        raise ConditionError(f"condition longer than {MAX_CONDITION_CHARS} characters")
    parser = _Parser(_tokenize(text), text, predicates or {})
    condition = parser.expression()
    if parser.peek() is not None:
        raise ConditionError(f"unexpected {parser.peek()!r} in {text!r}")
    return condition


def _tokenize(text: str) -> list[str]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None:
            raise ConditionError(f"cannot read {text[position:]!r} in {text!r}")
        tokens.append(match.group(1) or match.group(2))
        position = match.end()
    return tokens


class _Parser:
    def __init__(
        self, tokens: list[str], source: str, predicates: Mapping[str, Condition]
    ) -> None:
        self._tokens = tokens
        self._index = 0
        self._source = source
        self._predicates = predicates

    def peek(self) -> str | None:
        return self._tokens[self._index] if self._index < len(self._tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            want = expected or "more"
            raise ConditionError(f"expected {want!r} in {self._source!r}, found {token!r}")
        self._index += 1
        return token

    def expression(self) -> Condition:
        operands = [self.conjunction()]
        while self.peek() == "or":
            self.take()
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Any_(tuple(operands))

    def conjunction(self) -> Condition:
        operands = [self.negation()]
        while self.peek() == "and":
            self.take()
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else All(tuple(operands))

    def negation(self) -> Condition:
        if self.peek() == "not":
            self.take()
            return Not(self.negation())
        if self.peek() == "(":
            self.take()
            inner = self.expression()
            self.take(")")
            return inner
        return self.comparison()

    def comparison(self) -> Condition:
        name = self._identifier()
        if name in {"answered", "unknown"} and self.peek() == "(":
            self.take("(")
            argument = self._identifier()
            self.take(")")
            return Answered(argument) if name == "answered" else Unknown(argument)
        if self.peek() not in {"==", "!=", "has", "in"}:
            if name in self._predicates:
                return self._predicates[name]
            raise ConditionError(f"unknown predicate {name!r} in {self._source!r}")
        op = self.take()
        if op in {"==", "!=", "has"}:
            return Compare(name, op, (self._identifier(),))
        if op == "in":
            self.take("[")
            codes = [self._identifier()]
            while self.peek() == ",":
                self.take()
                codes.append(self._identifier())
            self.take("]")
            return Compare(name, "in", tuple(codes))
        raise ConditionError(f"unknown operator {op!r} in {self._source!r}")

    def _identifier(self) -> str:
        token = self.take()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token) or token in {"and", "or", "not"}:
            raise ConditionError(f"expected a name or code in {self._source!r}, found {token!r}")
        return token
