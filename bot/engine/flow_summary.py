"""A flow's summary: the answers with a "change" button each, and a confirm button.

The summary node's ``key`` K names its texts: ``K.text``, ``K.confirm_text``,
``K.options.CONFIRM``, ``K.line`` (one answer: ``{question}``, ``{answer}``),
``K.not_answered`` and ``K.skipped``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.engine.buttons import AnswerButton, EditButton
from bot.engine.intents import MIN_INTENT_CONFIDENCE
from bot.engine.messages import Button
from bot.engine.payloads import encode
from bot.engine.state import FlowState
from bot.engine.turn import Turn
from bot.flows.spec import CONFIRM, SKIPPED, Flow, Node, NodeKind
from bot.understanding.options import Choice, match_one

if TYPE_CHECKING:
    from bot.engine.flow_runner import FlowRunner


class FlowSummary:
    def __init__(self, runner: FlowRunner) -> None:
        self._runner = runner

    def show(self, turn: Turn, flow: Flow, node: Node) -> None:
        assert node.key is not None
        lines = [turn.text(f"{node.key}.text")]
        buttons = [turn.button(f"{node.key}.options.{CONFIRM}", AnswerButton(node.id, CONFIRM))]
        for question in self._summarised(turn, flow, node):
            assert question.key is not None
            short = turn.text(f"{question.key}.short")
            answer = self._answer_label(turn, node, question)
            lines.append(turn.text(f"{node.key}.line", question=short, answer=answer))
            buttons.append(Button(short, encode(EditButton(question.id))))
        turn.say_text("\n".join(lines))
        turn.say(f"{node.key}.confirm_text", tuple(buttons))
        turn.wait_for(f"{flow.id}:{node.id}")

    def _summarised(self, turn: Turn, flow: Flow, node: Node) -> list[Node]:
        answers = turn.answers
        shown = []
        for question_id in node.summary_of:
            question = flow.node(question_id)
            if question.show_if is None or question.show_if.evaluate(answers) is True:
                shown.append(question)
        return shown

    def _answer_label(self, turn: Turn, summary: Node, question: Node) -> str:
        assert question.save is not None
        answer = turn.answers.get(question.save)
        if answer is None:
            return turn.text(f"{summary.key}.not_answered")
        codes = [answer] if isinstance(answer, str) else list(answer)
        choices = self._runner.questions.choices(turn, question)
        labels = {choice.code: choice.label for choice in choices}
        labels[SKIPPED] = turn.text(f"{summary.key}.skipped")
        return ", ".join(labels.get(code, code) for code in codes)

    def confirm_pressed(self, turn: Turn, node: Node, code: str) -> bool:
        if code != CONFIRM:
            return False
        self._runner.after_answer(turn, node)
        return True

    def edit(self, turn: Turn, node_id: str) -> bool:
        """A "change this answer" button of the summary: ask that question again."""
        position = self._runner.current(turn)
        if position is None or position[1].kind != NodeKind.SUMMARY:
            return False
        flow, summary = position
        if node_id not in summary.summary_of:
            return False
        question = flow.node(node_id)
        answer = turn.answers.get(question.save or "")
        preselected = () if answer is None or isinstance(answer, str) else tuple(answer)
        state = turn.state(FlowState)
        turn.set_state(replace(state, editing=node_id, returning_to=summary.id, multi=preselected))
        self._runner.move(turn, node_id)
        self._runner.questions.ask(turn, flow, question)
        return True

    def typed(self, turn: Turn, flow: Flow, node: Node, text: str) -> bool:
        nlu = turn.message.nlu if turn.message else None
        if nlu is not None and nlu.intent == "affirm" and nlu.confidence >= MIN_INTENT_CONFIDENCE:
            self._runner.after_answer(turn, node)
            return True
        questions = self._summarised(turn, flow, node)
        confirm = Choice(CONFIRM, turn.text(f"{node.key}.options.{CONFIRM}"))
        shorts = [Choice(q.id, turn.text(f"{q.key}.short")) for q in questions]
        picked = match_one(text, [confirm, *shorts])
        if picked == CONFIRM:
            self._runner.after_answer(turn, node)
            return True
        return picked is not None and self.edit(turn, picked)
