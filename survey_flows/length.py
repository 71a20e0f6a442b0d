"""How many questions a person meets in a complete interview, found by running the engine.

The poster tells people how long the survey takes. Rather than a guess, the number comes
from the flow itself: a scripted person goes through the real engine and the questions they
are asked are counted. The typical person behind a department's link used that
department's service and none of the others in the reference period: in the block of
their service they take the answer that leads on (the first option: "Yes", "Yes, every
time", ...), in the other blocks they answer the opening filter "No", and elsewhere they
tap the first button. Someone who used every service meets more questions
(``used_everything=True`` gives that bound).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from survey_flows import engine
from survey_flows.definition import Flow, Question
from survey_flows.departments import BLOCK_OF_AREA
from survey_flows.ports import Interpretation
from survey_flows.step import Input, StartContext

START = datetime(2026, 1, 5, 9, 0)
MAX_TURNS = 500


class _NoTyping:
    """The scripted person only taps buttons (and writes one closing comment)."""

    def classify(self, text: str, expected: Sequence[str], lang: str) -> Interpretation:
        return Interpretation(None, 0.0, "none")


def _answer(question: Question, block: str | None, used_everything: bool) -> Input:
    if question.kind == "text":
        return Input(at=START, text="Shorter queues")
    if question.kind == "number":
        return Input(at=START, text="1")
    chosen = question.options[0]
    opening_filter = question.block is not None and question.item == "filter"
    if opening_filter and not used_everything and question.block != block:
        chosen = next((o for o in question.options if o.intent == "no"), chosen)
    return Input(at=START, payload=f"A:{question.id}:{chosen.code}")


def questions_met(flow: Flow, service_area: str | None, used_everything: bool = False) -> int:
    """Return how many questions a typical person from a department of this area meets."""
    block = BLOCK_OF_AREA.get(service_area or "")
    step = engine.start(flow, StartContext(now=START, seed=0, first_area=service_area))
    asked: list[str] = []
    at = START
    for _ in range(MAX_TURNS):
        qid = step.state.get("question")
        if step.state["status"] != "active" or qid is None:
            return len(asked)
        if not asked or asked[-1] != qid:
            asked.append(qid)
        at += timedelta(seconds=20)
        inp = _answer(flow.question(qid), block, used_everything)
        step = engine.resume(
            flow, step.state, Input(at=at, payload=inp.payload, text=inp.text), _NoTyping()
        )
    raise RuntimeError(f"the flow {flow.id} did not end within {MAX_TURNS} answers")
