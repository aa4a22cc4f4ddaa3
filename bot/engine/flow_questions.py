"""A flow's questions: asking them with their buttons, and reading the answers pressed or
typed (a number, a label, a synonym, a close misspelling, an NLU entity or intent)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.engine.actions import Validator
from bot.engine.buttons import AnswerButton
from bot.engine.events import ConsentRecorded
from bot.engine.intents import MIN_INTENT_CONFIDENCE
from bot.engine.messages import Button
from bot.engine.payloads import encode
from bot.engine.state import Answer, FlowState
from bot.engine.turn import Turn
from bot.flows.spec import ACCEPT, SKIPPED, AskMode, Flow, Node, NodeKind
from bot.understanding.options import Choice, match_many, match_one

if TYPE_CHECKING:
    from bot.engine.flow_runner import FlowRunner

DONE = "DONE"


class FlowQuestions:
    def __init__(self, runner: FlowRunner, validators: Mapping[str, Validator]) -> None:
        self._runner = runner
        self._validators = validators

    def needs_asking(self, turn: Turn, node: Node) -> bool:
        if node.show_if is not None and node.show_if.evaluate(turn.answers) is not True:
            return False
        only = turn.state(FlowState).only
        if only and node.save not in only and node.consent is None:
            return False  # "am I eligible?" asks only what that scheme's rule still needs
        assert node.save is not None
        answer = turn.answers.get(node.save)
        if node.consent is not None:
            return answer != ACCEPT  # a refusal is asked again next time; a consent is not
        return answer is None or turn.state(FlowState).editing == node.id

    # Asking -------------------------------------------------------------------------------

    def choices(self, turn: Turn, node: Node) -> list[Choice]:
        assert node.key is not None
        choices = [
            Choice(code, turn.text(f"{node.key}.options.{code}"), self._synonyms(turn, node, code))
            for code in node.options
        ]
        if node.optional:
            choices.append(Choice(SKIPPED, turn.text("flow.prefer_not_to_say")))
        return choices

    def _synonyms(self, turn: Turn, node: Node, code: str) -> tuple[str, ...]:
        key = f"{node.key}.synonyms.{code}"
        if not turn.catalog.has(key):
            return ()
        return tuple(word.strip() for word in turn.text(key).split(",") if word.strip())

    def ask(self, turn: Turn, flow: Flow, node: Node, *, hint: bool = False) -> None:
        assert node.key is not None
        if node.intro and not hint:
            turn.say(f"{node.key}.intro")
        text = turn.text(f"{node.key}.text")
        if node.sensitive:
            text = f"{text}\n{turn.text(f'{node.key}.why')}"
        if hint:
            hint_key = "flow.hint_multi" if node.mode == AskMode.MULTI else "flow.hint_single"
            text = f"{turn.text(hint_key, done=turn.text('flow.done'))}\n\n{text}"
        turn.say_text(text, self._buttons(turn, node))
        turn.wait_for(f"{flow.id}:{node.id}")

    def _buttons(self, turn: Turn, node: Node) -> tuple[Button, ...]:
        selected = set(turn.state(FlowState).multi)
        buttons = [
            Button(choice.label, encode(AnswerButton(node.id, choice.code)))
            for choice in self.choices(turn, node)
            if choice.code not in selected
        ]
        if node.mode == AskMode.MULTI:
            buttons.append(turn.button("flow.done", AnswerButton(node.id, DONE)))
        return tuple(buttons)

    # Answering ----------------------------------------------------------------------------

    def answer_payload(self, turn: Turn, node_id: str, code: str) -> bool:
        """A button press; False when the button does not belong to the current question."""
        position = self._runner.current(turn)
        if position is None or position[1].id != node_id:
            return False
        flow, node = position
        if node.kind == NodeKind.SUMMARY:
            return self._runner.summary.confirm_pressed(turn, node, code)
        valid = {choice.code for choice in self.choices(turn, node)}
        if node.mode == AskMode.MULTI:
            valid.add(DONE)
        if code not in valid:
            return False
        if node.mode == AskMode.MULTI:
            self._toggle(turn, flow, node, [code])
        else:
            self._record(turn, node, code)
        return True

    def answer_text(self, turn: Turn, text: str) -> bool:
        """Typed text for the current question; False when it does not answer it."""
        position = self._runner.current(turn)
        if position is None:
            return False
        flow, node = position
        if node.kind == NodeKind.SUMMARY:
            return self._runner.summary.typed(turn, flow, node, text)
        if node.mode == AskMode.TEXT:
            assert node.validator is not None
            value = self._validators[node.validator](text)
            if value is None:
                return False
            self._record(turn, node, value)
            return True
        code = self._understood_code(turn, node)
        choices = self.choices(turn, node)
        if node.mode == AskMode.MULTI:
            done = Choice(DONE, turn.text("flow.done"))
            codes = [code] if code else match_many(text, [*choices, done])
            if not codes:
                return False
            self._toggle(turn, flow, node, codes)
            return True
        code = code or match_one(text, choices)
        if code is None:
            return False
        self._record(turn, node, code)
        return True

    def _understood_code(self, turn: Turn, node: Node) -> str | None:
        nlu = turn.message.nlu if turn.message else None
        if nlu is None:
            return None
        if node.entity:
            for entity in nlu.entities:
                if entity.name == node.entity and entity.value in node.options:
                    return entity.value
        if nlu.intent and nlu.confidence >= MIN_INTENT_CONFIDENCE:
            return dict(node.intents).get(nlu.intent)
        return None

    def _toggle(self, turn: Turn, flow: Flow, node: Node, codes: list[str]) -> None:
        state = turn.state(FlowState)
        selected = list(state.multi)
        exclusive = set(node.exclusive) | {SKIPPED}
        final = next((code for code in codes if code in exclusive), None)
        if final is not None:
            self._record(turn, node, [final])
            return
        selected += [code for code in codes if code not in selected and code != DONE]
        if DONE in codes:
            self._record(turn, node, selected or ([SKIPPED] if node.optional else []))
            return
        turn.set_state(replace(state, multi=tuple(selected)))
        labels = {choice.code: choice.label for choice in self.choices(turn, node)}
        text = turn.text(
            "flow.selected",
            choices=", ".join(labels[code] for code in selected),
            done=turn.text("flow.done"),
        )
        turn.say_text(text, self._buttons(turn, node))
        turn.wait_for(f"{flow.id}:{node.id}")

    def _record(self, turn: Turn, node: Node, value: Answer) -> None:
        if node.mode == AskMode.MULTI and value == []:
            return  # "done" with nothing chosen on a required question: ask again below
        assert node.save is not None
        state = turn.state(FlowState)
        answers = {**state.answers, node.save: value}
        turn.set_state(replace(state, answers=self._without_hidden(turn, answers), multi=()))
        if node.consent is not None:
            accepted = value == ACCEPT
            turn.emit(ConsentRecorded(version=node.consent, lang=turn.lang, accepted=accepted))
        self._runner.after_answer(turn, node)

    def _without_hidden(self, turn: Turn, answers: dict[str, Answer]) -> dict[str, Answer]:
        """A changed answer can hide a question (gender once Q10 is no longer NONE): its
        answer is then not needed any more, and sensitive data not needed is not kept."""
        position = self._runner.current(turn)
        if position is None:
            return answers
        kept = dict(answers)
        for question in position[0].nodes.values():
            hidden = question.show_if is not None and question.show_if.evaluate(kept) is not True
            if hidden and question.save in kept:
                del kept[question.save]
        return kept
