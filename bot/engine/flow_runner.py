"""Runs flows: walks nodes until the flow waits for the person or ends.

Where the person is lives in the session's ``FlowState`` as a stack of ``(flow, node)``
frames (a flow can enter another flow and come back). Answers live in ``answers`` by their
``save`` name and are never asked again unless the person changes them at the summary.
Asking and answering questions is ``FlowQuestions``; the summary is ``FlowSummary``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.engine.actions import Action, ActionOutcome, Validator
from bot.engine.flow_questions import FlowQuestions
from bot.engine.flow_summary import FlowSummary
from bot.engine.state import FlowState
from bot.engine.turn import Turn
from bot.flows.spec import MAX_STEPS_PER_TURN, Flow, Node, NodeKind


class FlowLoopError(RuntimeError):
    """A flow ran more than MAX_STEPS_PER_TURN nodes without waiting for the person."""


class FlowRunner:
    def __init__(
        self,
        flows: Mapping[str, Flow],
        actions: Mapping[str, Action],
        validators: Mapping[str, Validator],
    ) -> None:
        self.flows = flows
        self._actions = actions
        self.questions = FlowQuestions(self, validators)
        self.summary = FlowSummary(self)

    # Where the person is ----------------------------------------------------------------

    def current(self, turn: Turn) -> tuple[Flow, Node] | None:
        stack = turn.state(FlowState).stack
        if not stack:
            return None
        flow_id, node_id = stack[-1]
        flow = self.flows[flow_id]
        return flow, flow.node(node_id)

    def move(self, turn: Turn, node_id: str) -> None:
        state = turn.state(FlowState)
        stack = (*state.stack[:-1], (state.stack[-1][0], node_id))
        turn.set_state(replace(state, stack=stack, misses=0))

    def leave(self, turn: Turn) -> None:
        """Out of every flow (``/cancel``); the answers stay, never asked again."""
        turn.set_state(FlowState(answers=turn.state(FlowState).answers))

    # Walking ------------------------------------------------------------------------------

    def start(self, turn: Turn, flow_id: str, only: tuple[str, ...] | None = None) -> None:
        """Enter a flow; with ``only``, ask just those answers' questions (and consent)."""
        flow = self.flows[flow_id]
        state = turn.state(FlowState)
        stack = () if only is not None else state.stack
        turn.set_state(
            replace(
                state,
                stack=(*stack, (flow_id, flow.start)),
                editing=None,
                multi=(),
                only=state.only if only is None else only,
            )
        )
        self.advance(turn)

    def advance(self, turn: Turn) -> None:
        """Run nodes from the current one until the flow waits for the person or ends."""
        for _ in range(MAX_STEPS_PER_TURN):
            position = self.current(turn)
            if position is None:
                turn.wait_for(None)
                return
            flow, node = position
            if self._step(turn, flow, node):
                return
        raise FlowLoopError(f"more than {MAX_STEPS_PER_TURN} steps without a question")

    def _step(self, turn: Turn, flow: Flow, node: Node) -> bool:
        """Execute one node; True when the turn now waits for the person."""
        if node.kind == NodeKind.SAY:
            assert node.key is not None
            turn.say(node.key)
        elif node.kind == NodeKind.ASK:
            if self.questions.needs_asking(turn, node):
                self.questions.ask(turn, flow, node)
                return True
        elif node.kind == NodeKind.SUMMARY:
            if not turn.state(FlowState).only:
                self.summary.show(turn, flow, node)
                return True
        elif node.kind == NodeKind.ACTION:
            assert node.action is not None
            if self._actions[node.action](turn) == ActionOutcome.STOP:
                state = turn.state(FlowState)
                turn.set_state(replace(state, stack=(), editing=None, multi=()))
                return True
        elif node.kind == NodeKind.ENTER:
            assert node.flow is not None
            state = turn.state(FlowState)
            here = (state.stack[-1][0], self.next_node(turn, node) or "")
            entered = self.flows[node.flow]
            stack = (*state.stack[:-1], here, (entered.id, entered.start))
            turn.set_state(replace(state, stack=stack))
            return False
        if node.kind == NodeKind.END:
            self.finish_flow(turn)
            return False
        self.go_on_from(turn, node)
        return False

    def go_on_from(self, turn: Turn, node: Node) -> None:
        following = self.next_node(turn, node)
        if following is None:
            self.finish_flow(turn)
        else:
            self.move(turn, following)

    def finish_flow(self, turn: Turn) -> None:
        state = turn.state(FlowState)
        stack = list(state.stack[:-1])
        while stack and not stack[-1][1]:
            stack.pop()
        only = state.only if stack else ()
        turn.set_state(replace(state, stack=tuple(stack), editing=None, multi=(), only=only))
        turn.flow_finished = not stack

    def next_node(self, turn: Turn, node: Node) -> str | None:
        answers = turn.answers
        for route in node.routes:
            if route.when.evaluate(answers) is True:
                return route.goto
        return node.next

    def after_answer(self, turn: Turn, node: Node) -> None:
        state = turn.state(FlowState)
        if state.returning_to and node.kind != NodeKind.SUMMARY:
            turn.set_state(replace(state, editing=None, returning_to=None))
            self.move(turn, state.returning_to)
        else:
            self.go_on_from(turn, node)
        self.advance(turn)

    def reask(self, turn: Turn, *, hint: bool = False) -> bool:
        position = self.current(turn)
        if position is None:
            return False
        flow, node = position
        if node.kind == NodeKind.SUMMARY:
            self.summary.show(turn, flow, node)
        elif node.kind == NodeKind.ASK:
            self.questions.ask(turn, flow, node, hint=hint)
        else:
            self.advance(turn)
        return True
