"""Synthetic people answering through the real survey engine.

Each person has an intended reply to every question of the flow (``intended_replies``); the
engine decides which questions they meet, in which order, and what gets recorded. Nothing of
the routing is re-derived here.

Speed comes from memoising the engine, which is pure: every engine call is made at one
fixed instant (times are added afterwards from each person's own clock), and the engine's
state is kept without what can no longer change its course: the answers that no routing
condition of a question still ahead reads (ahead in ``engine.sequence``, the engine's own
order), and the department, which the engine reads only when it starts. Two people in the
same kept state who give the same reply get the same outcome from the engine, so the
outcome is computed once: a million people need some twenty thousand engine turns.
``tests/analytics/test_simulate.py`` checks the memoised walk against the plain engine.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

import numpy as np

from survey_flows import engine
from survey_flows.definition import Flow
from survey_flows.ports import Interpretation
from survey_flows.step import (
    AnswerRecorded,
    Declined,
    DeletionConfirmed,
    Input,
    ScreenedOut,
    StartContext,
)

ENGINE_TIME = datetime(2026, 1, 1)  # the one instant of every engine call (see the docstring)

# Replies that are not an option code (option codes are 0-99 in this flow).
DONT_KNOW, REFUSE = engine.DK, engine.RA
GIVE_UP, FREE_TEXT, STOP = -1, -2, -3
FREE_TEXT_REPLY = "The queues are too long"
UNREADABLE = "hmm"


class SimulatedWords:
    """The classifier port for simulated people: it understands exactly what they type."""

    MEANING: ClassVar[dict[str, str]] = {"don't know": "dont_know", "i refuse": "refuse"}

    def classify(self, text: str, expected: Sequence[str], lang: str) -> Interpretation:
        intent = self.MEANING.get(text)
        if intent is None or intent not in expected:
            return Interpretation(None, 0.0, "keyword")
        return Interpretation(intent, 1.0, "keyword")


CLASSIFIER = SimulatedWords()


def _inputs(question_id: str, reply: int, max_reasks: int) -> list[Input]:
    """Return what a person taps or types to give ``reply`` to a question."""

    def typed(text: str) -> Input:
        return Input(at=ENGINE_TIME, text=text)

    if reply == DONT_KNOW:  # typed twice: the bot first asks for a best guess
        return [typed("don't know")] * 2
    if reply == REFUSE:
        return [typed("i refuse")] * 2
    if reply == GIVE_UP:  # unreadable until the bot stops asking
        return [typed(UNREADABLE)] * (max_reasks + 1)
    if reply == FREE_TEXT:
        return [typed(FREE_TEXT_REPLY)]
    if reply == STOP:
        return [Input(at=ENGINE_TIME, payload="C:stop")]
    return [Input(at=ENGINE_TIME, payload=f"A:{question_id}:{reply}")]


def read_later(flow: Flow, block_order: Sequence[str]) -> dict[str | None, frozenset[str]]:
    """Return, per current question, the answers that routing conditions still ahead read.

    The consent is always kept (a restart checks it). ``None`` (no current question) keeps
    only the consent.
    """
    order = engine.sequence(flow, list(block_order))
    later: dict[str | None, frozenset[str]] = {None: frozenset({engine.CONSENT})}
    ids = {engine.CONSENT}
    for qid in reversed(order):
        later[qid] = frozenset(ids)
        question = flow.question(qid)
        for condition in (question.when, question.unless, question.na_when):
            ids.update(condition or {})
    return later


def _erasure(events: Sequence[Any]) -> str | None:
    """Return why the engine's events tell the caller to erase the person's rows, if they do.

    A screen-out erases the interview as a decline does; the tally keeps the reason apart.
    """
    if any(isinstance(e, ScreenedOut) for e in events):
        return "screened_out"
    if any(isinstance(e, Declined | DeletionConfirmed) for e in events):
        return "declined"
    return None


def engine_reply(
    flow: Flow, state: dict[str, Any], reply: int
) -> tuple[dict[str, Any], list[AnswerRecorded], str | None]:
    """Give one reply to the current question through the engine.

    Return the new state, the answers the engine recorded, and why it erased the person
    (``declined`` or ``screened_out``), if it did.
    """
    recorded: list[AnswerRecorded] = []
    erased: str | None = None
    for inp in _inputs(str(state["question"]), reply, flow.max_reasks):
        step = engine.resume(flow, state, inp, CLASSIFIER)
        state = step.state
        recorded.extend(e for e in step.events if isinstance(e, AnswerRecorded))
        reason = _erasure(step.events)
        if reason is not None:
            recorded, erased = [], reason
        if state["status"] != "active":
            break
    return state, recorded, erased


def block_seeds(flow: Flow) -> list[int]:
    """Return one start seed for each block order the engine's shuffle can draw."""
    seeds: dict[tuple[str, ...], int] = {}
    seed = 0
    orders = 1
    for k in range(2, len(flow.blocks) + 1):
        orders *= k
    while len(seeds) < orders:
        blocks = list(flow.blocks)
        random.Random(seed).shuffle(blocks)  # the engine's own draw, replayed to find seeds
        seeds.setdefault(tuple(blocks), seed)
        seed += 1
    return sorted(seeds.values())


@dataclass
class _Node:
    state: dict[str, Any]
    question: int  # position of the current question in flow.questions, -1 when none


@dataclass
class Walker:
    """Walks people through the engine, memoising its outcome per kept state and reply."""

    flow: Flow
    departments: Sequence[tuple[str, str | None]]  # (code, first service area)
    nodes: list[_Node] = field(default_factory=list)
    templates: list[AnswerRecorded] = field(default_factory=list)
    _node_ids: dict[str, int] = field(default_factory=dict)
    _template_ids: dict[AnswerRecorded, int] = field(default_factory=dict)
    _moves: dict[tuple[int, int], tuple[int, tuple[int, ...], str | None]] = field(
        default_factory=dict
    )
    _starts: dict[tuple[int, int, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._later: dict[tuple[str, ...], dict[str | None, frozenset[str]]] = {}
        self._position = {q.id: k for k, q in enumerate(self.flow.questions)}
        self.seeds = block_seeds(self.flow)

    def _node(self, state: dict[str, Any]) -> int:
        order = tuple(state["block_order"])
        later = self._later.get(order)
        if later is None:
            later = self._later[order] = read_later(self.flow, order)
        question = state.get("question") if state["status"] == "active" else None
        keep = later.get(question, later[None])
        kept = dict(state, department=None)
        kept["answers"] = {q: c for q, c in state["answers"].items() if q in keep}
        key = json.dumps(kept, sort_keys=True)
        found = self._node_ids.get(key)
        if found is None:
            found = self._node_ids[key] = len(self.nodes)
            position = self._position[question] if question else -1
            self.nodes.append(_Node(kept, position))
        return found

    def _template(self, answer: AnswerRecorded) -> int:
        found = self._template_ids.get(answer)
        if found is None:
            found = self._template_ids[answer] = len(self.templates)
            self.templates.append(answer)
        return found

    def start(self, department: int, seed: int, lang: int) -> int:
        """Return the node where a person starts (department -1: no link)."""
        key = (department, seed, lang)
        found = self._starts.get(key)
        if found is None:
            code, area = self.departments[department] if department >= 0 else (None, None)
            context = StartContext(
                now=ENGINE_TIME,
                seed=self.seeds[seed],
                department=code,
                first_area=area,
                lang=self.flow.languages[lang],
                is_test=True,
            )
            found = self._starts[key] = self._node(engine.start(self.flow, context).state)
        return found

    def move(self, node: int, reply: int) -> tuple[int, tuple[int, ...], str | None]:
        """Return the node after a reply, the recorded answers (templates), and the erasure."""
        key = (node, reply)
        found = self._moves.get(key)
        if found is None:
            state, recorded, erased = engine_reply(self.flow, self.nodes[node].state, reply)
            found = (self._node(state), tuple(self._template(a) for a in recorded), erased)
            self._moves[key] = found
        return found


@dataclass(frozen=True)
class Interviews:
    """The outcome of walking a batch of people: rows of answers and each person's end."""

    person: np.ndarray  # per answer row: the person's number in the batch
    template: np.ndarray  # per answer row: the walker's template of the recorded answer
    turn: np.ndarray  # per answer row: the number of the person's reply that recorded it
    end: np.ndarray  # per person: the node they ended in
    replies: np.ndarray  # per person: how many replies they gave
    erased: np.ndarray  # per person: whether the engine erased them (a decline or screen-out)
    screened: np.ndarray  # per person: whether that erasure was a screen-out (under 18)
    silent: np.ndarray  # per person: whether they went silent mid-interview


def walk(
    walker: Walker,
    intended: np.ndarray,
    starts: np.ndarray,
    patience: np.ndarray,
    stops: np.ndarray,
) -> Interviews:
    """Walk every person through the engine.

    ``intended`` holds each person's reply to every question of the flow (columns in file
    order); ``patience`` the number of replies after which they break off, by typing "stop"
    where ``stops`` is set and by going silent otherwise.
    """
    n = len(starts)
    person: list[int] = []
    template: list[int] = []
    turn: list[int] = []
    end = np.empty(n, dtype=np.int64)
    replies = np.zeros(n, dtype=np.int32)
    erased = np.zeros(n, dtype=bool)
    screened = np.zeros(n, dtype=bool)
    silent = np.zeros(n, dtype=bool)
    nodes = walker.nodes
    for p in range(n):
        node = int(starts[p])
        row = intended[p]
        given = 0
        limit = int(patience[p])
        while True:
            question = nodes[node].question
            if question < 0:
                break
            if given == limit:
                if not stops[p]:
                    silent[p] = True
                    break
                reply = STOP
            else:
                reply = int(row[question])
            node, recorded, gone = walker.move(node, reply)
            given += 1
            if gone is not None:
                erased[p] = True
                screened[p] = gone == "screened_out"
            for t in recorded:
                person.append(p)
                template.append(t)
                turn.append(given)
        end[p] = node
        replies[p] = given
    return Interviews(
        person=np.asarray(person, dtype=np.int64),
        template=np.asarray(template, dtype=np.int64),
        turn=np.asarray(turn, dtype=np.int32),
        end=end,
        replies=replies,
        erased=erased,
        screened=screened,
        silent=silent,
    )
