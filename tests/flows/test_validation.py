"""Each validation error names the file, the node and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.flows.loader import FlowError, load_flow
from bot.flows.validate import flow_problems

TEXTS = {"t.q.text", "t.q.short", "t.q.options.A", "t.q.options.B", "t.q.why", "hello"}
VALID = """\
spec_version: 1
id: demo
start: q
nodes:
  - id: q
    ask: single
    key: t.q
    options: [A, B]
    intents: {affirm: A}
    save: Q
    routes:
      - when: Q == B
        goto: bye
    next: hi
  - id: hi
    say: hello
    next: bye
  - id: bye
    end: true
"""


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "demo.yml"
    path.write_text(text, encoding="utf-8")
    flow = load_flow(path)
    return flow_problems(
        {flow.id: flow},
        text_keys=TEXTS,
        intents={"affirm", "deny"},
        actions={"known.action"},
        validators={"nonempty"},
    )


def test_a_valid_flow_has_no_problem(tmp_path: Path) -> None:
    assert _problems(tmp_path, VALID) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("next: hi", "next: nowhere"), "node q: goto 'nowhere' does not exist"),
        (
            ("  - id: bye", "  - id: orphan\n    say: hello\n    next: bye\n  - id: bye"),
            "node orphan: unreachable from 'q'",
        ),
        (("{affirm: A}", "{agree: A}"), "node q: intent 'agree' is not in nlu_data/"),
        (("{affirm: A}", "{affirm: C}"), "node q: intent 'affirm' maps to unknown option 'C'"),
        (("say: hello", "say: missing.key"), "node hi: text key 'missing.key' is missing"),
        (("options: [A, B]", "options: [A, B, C]"), "text key 't.q.options.C' is missing"),
        (("when: Q == B", "when: R == B"), "node q: condition reads 'R', which no node saves"),
        (
            ("say: hello\n    next: bye", "action: unknown.action\n    next: bye"),
            "node hi: action 'unknown.action' is not registered",
        ),
        (("    save: Q\n", "    save: Q\n    sensitive: true\n"), "must be optional"),
    ],
)
def test_each_problem_is_named_with_file_and_node(
    tmp_path: Path, change: tuple[str, str], problem: str
) -> None:
    problems = _problems(tmp_path, VALID.replace(*change))
    assert any(problem in found and "demo.yml" in found for found in problems), problems


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (("spec_version: 1", "spec_version: 2"), "spec_version 2 is not supported"),
        (("id: demo", "id: other"), "id must be the file name"),
        (("start: q", "start: nope"), "start node 'nope' does not exist"),
        (
            ("    save: Q\n", "    save: Q\n    colour: red\n"),
            "node q: unknown field(s) ['colour']",
        ),
        (("when: Q == B", "when: Q = B"), "node q: cannot read ' = B'"),
        (("    ask: single\n", "    ask: single\n    say: hello\n"), "node q: needs exactly one"),
        (("ask: single", "ask: several"), "node q: 'several' is not a valid AskMode"),
    ],
)
def test_load_errors_name_file_and_node(
    tmp_path: Path, change: tuple[str, str], error: str
) -> None:
    path = tmp_path / "demo.yml"
    path.write_text(VALID.replace(*change), encoding="utf-8")
    with pytest.raises(FlowError) as raised:
        load_flow(path)
    assert error in str(raised.value)
    assert "demo.yml" in str(raised.value)
