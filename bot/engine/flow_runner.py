"""Runs flows: walks nodes, asks questions, takes answers, shows and edits the summary.

Where the person is lives in the session as a stack of ``[flow, node]`` frames (a flow can
enter another flow and come back). Answers live in ``answers`` by their ``save`` name and
are never asked again unless the person changes them at the summary.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.actions import Action, ActionOutcome, Validator
from bot.engine.events import ConsentRecorded
from bot.engine.messages import Button
from bot.engine.turn import Turn
from bot.flows.spec import MAX_STEPS_PER_TURN, SKIPPED, AskMode, Flow, Node, NodeKind
from bot.understanding.options import Choice, match_many, match_one

DONE = "DONE"
CONFIRM = "CONFIRM"
MIN_INTENT_CONFIDENCE = 0.5


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
        self._validators = validators

    # Where the person is ----------------------------------------------------------------

    def stack(self, turn: Turn) -> list[list[str]]:
        return [list(frame) for frame in turn.get("stack", [])]

    def current(self, turn: Turn) -> tuple[Flow, Node] | None:
        stack = self.stack(turn)
        if not stack:
            return None
        flow_id, node_id = stack[-1]
        flow = self.flows[flow_id]
        return flow, flow.node(node_id)

    def _move(self, turn: Turn, node_id: str) -> None:
        stack = self.stack(turn)
        stack[-1][1] = node_id
        turn.put(stack=stack, misses=None)

    # Walking ------------------------------------------------------------------------------

    def start(self, turn: Turn, flow_id: str) -> None:
        flow = self.flows[flow_id]
        turn.put(stack=[*self.stack(turn), [flow_id, flow.start]], editing=None, multi=None)
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
            if self._needs_asking(turn, node):
                self.ask(turn, flow, node)
                return True
        elif node.kind == NodeKind.SUMMARY:
            if not turn.get("only"):
                self.show_summary(turn, flow, node)
                return True
        elif node.kind == NodeKind.ACTION:
            assert node.action is not None
            if self._actions[node.action](turn) == ActionOutcome.STOP:
                turn.put(stack=None, editing=None, multi=None)
                return True
        elif node.kind == NodeKind.ENTER:
            assert node.flow is not None
            stack = self.stack(turn)
            stack[-1][1] = self._next(turn, node) or ""
            entered = self.flows[node.flow]
            turn.put(stack=[*stack, [entered.id, entered.start]])
            return False
        if node.kind == NodeKind.END:
            self._finish_flow(turn)
            return False
        following = self._next(turn, node)
        if following is None:
            self._finish_flow(turn)
        else:
            self._move(turn, following)
        return False

    def _finish_flow(self, turn: Turn) -> None:
        stack = self.stack(turn)[:-1]
        while stack and not stack[-1][1]:
            stack.pop()
        turn.put(stack=stack or None, editing=None, multi=None)
        if not stack:
            turn.put(only=None)
        turn.flow_finished = not stack

    def _next(self, turn: Turn, node: Node) -> str | None:
        answers = turn.answers
        for route in node.routes:
            if route.when.evaluate(answers) is True:
                return route.goto
        return node.next

    def _needs_asking(self, turn: Turn, node: Node) -> bool:
        if node.show_if is not None and node.show_if.evaluate(turn.answers) is not True:
            return False
        only = turn.get("only")
        if only and node.save not in only and node.id != "consent":
            return False  # "am I eligible?" asks only what that scheme's rule still needs
        assert node.save is not None
        answer = turn.answers.get(node.save)
        if node.id == "consent":
            return answer != "ACCEPT"  # a refusal is asked again next time; a consent is not
        return answer is None or turn.get("editing") == node.id

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
        selected = set(turn.get("multi") or [])
        buttons = [
            Button(choice.label, f"a:{node.id}:{choice.code}")
            for choice in self.choices(turn, node)
            if choice.code not in selected
        ]
        if node.mode == AskMode.MULTI:
            buttons.append(turn.button("flow.done", f"a:{node.id}:{DONE}"))
        return tuple(buttons)

    # Answering ----------------------------------------------------------------------------

    def answer_payload(self, turn: Turn, node_id: str, code: str) -> bool:
        """A button press; False when the button does not belong to the current question."""
        position = self.current(turn)
        if position is None or position[1].id != node_id:
            return False
        flow, node = position
        if node.kind == NodeKind.SUMMARY:
            if code != CONFIRM:
                return False
            self._after_answer(turn, node)
            return True
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
        position = self.current(turn)
        if position is None:
            return False
        flow, node = position
        if node.kind == NodeKind.SUMMARY:
            return self._summary_text(turn, flow, node, text)
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
        nlu = turn.resume.nlu
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
        selected = list(turn.get("multi") or [])
        exclusive = set(node.exclusive) | {SKIPPED}
        final = next((code for code in codes if code in exclusive), None)
        if final is not None:
            self._record(turn, node, [final])
            return
        selected += [code for code in codes if code not in selected and code != DONE]
        if DONE in codes:
            self._record(turn, node, selected or ([SKIPPED] if node.optional else []))
            return
        turn.put(multi=selected)
        labels = {choice.code: choice.label for choice in self.choices(turn, node)}
        text = turn.text(
            "flow.selected",
            choices=", ".join(labels[code] for code in selected),
            done=turn.text("flow.done"),
        )
        turn.say_text(text, self._buttons(turn, node))
        turn.wait_for(f"{flow.id}:{node.id}")

    def _record(self, turn: Turn, node: Node, value: str | list[str]) -> None:
        if node.mode == AskMode.MULTI and value == []:
            return  # "done" with nothing chosen on a required question: ask again below
        assert node.save is not None
        turn.set_answer(node.save, value)
        turn.put(multi=None)
        self._drop_hidden_answers(turn)
        if node.id == "consent":
            turn.emit(
                ConsentRecorded(
                    version=CONSENT_VERSION, lang=turn.lang, accepted=value == "ACCEPT"
                )
            )
        self._after_answer(turn, node)

    def _drop_hidden_answers(self, turn: Turn) -> None:
        """A changed answer can hide a question (gender once Q10 is no longer NONE): its
        answer is then not needed any more, and sensitive data not needed is not kept."""
        position = self.current(turn)
        if position is None:
            return
        answers = turn.answers
        for question in position[0].nodes.values():
            hidden = (
                question.show_if is not None and question.show_if.evaluate(answers) is not True
            )
            if hidden and question.save in answers:
                del answers[question.save]
        turn.put(answers=answers)

    def _after_answer(self, turn: Turn, node: Node) -> None:
        editing_summary = turn.get("returning_to")
        if editing_summary and node.kind != NodeKind.SUMMARY:
            turn.put(editing=None, returning_to=None)
            self._move(turn, editing_summary)
        else:
            following = self._next(turn, node)
            if following is None:
                self._finish_flow(turn)
            else:
                self._move(turn, following)
        self.advance(turn)

    # The summary --------------------------------------------------------------------------

    def show_summary(self, turn: Turn, flow: Flow, node: Node) -> None:
        assert node.key is not None
        lines = [turn.text(f"{node.key}.text")]
        buttons = [turn.button(f"{node.key}.options.{CONFIRM}", f"a:{node.id}:{CONFIRM}")]
        for question in self._summarised(turn, flow, node):
            assert question.key is not None
            lines.append(
                turn.text(
                    "prequal.summary.line",
                    question=turn.text(f"{question.key}.short"),
                    answer=self._answer_label(turn, question),
                )
            )
            buttons.append(Button(turn.text(f"{question.key}.short"), f"e:{question.id}"))
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

    def _answer_label(self, turn: Turn, question: Node) -> str:
        assert question.save is not None
        answer = turn.answers.get(question.save)
        if answer is None:
            return turn.text("prequal.summary.not_answered")
        codes = [answer] if isinstance(answer, str) else list(answer)
        labels = {choice.code: choice.label for choice in self.choices(turn, question)}
        labels[SKIPPED] = turn.text("prequal.summary.skipped")
        return ", ".join(labels.get(code, code) for code in codes)

    def edit(self, turn: Turn, node_id: str) -> bool:
        """A "change this answer" button of the summary: ask that question again."""
        position = self.current(turn)
        if position is None or position[1].kind != NodeKind.SUMMARY:
            return False
        flow, summary = position
        if node_id not in summary.summary_of:
            return False
        question = flow.node(node_id)
        answer = turn.answers.get(question.save or "")
        preselected = [] if answer is None or isinstance(answer, str) else list(answer)
        turn.put(editing=node_id, returning_to=summary.id, multi=preselected or None)
        self._move(turn, node_id)
        self.ask(turn, flow, question)
        return True

    def _summary_text(self, turn: Turn, flow: Flow, node: Node, text: str) -> bool:
        nlu = turn.resume.nlu
        if nlu is not None and nlu.intent == "affirm" and nlu.confidence >= MIN_INTENT_CONFIDENCE:
            self._after_answer(turn, node)
            return True
        questions = self._summarised(turn, flow, node)
        confirm = Choice(CONFIRM, turn.text(f"{node.key}.options.{CONFIRM}"))
        shorts = [Choice(q.id, turn.text(f"{q.key}.short")) for q in questions]
        picked = match_one(text, [confirm, *shorts])
        if picked == CONFIRM:
            self._after_answer(turn, node)
            return True
        return picked is not None and self.edit(turn, picked)

    def reask(self, turn: Turn, *, hint: bool = False) -> bool:
        position = self.current(turn)
        if position is None:
            return False
        flow, node = position
        if node.kind == NodeKind.SUMMARY:
            self.show_summary(turn, flow, node)
        elif node.kind == NodeKind.ASK:
            self.ask(turn, flow, node, hint=hint)
        else:
            self.advance(turn)
        return True


CONSENT_VERSION = "2026-11-v1"
