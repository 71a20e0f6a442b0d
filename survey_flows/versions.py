"""Flow versions in flight: every conversation finishes on the version it started with.

A deploy that changes the questionnaire raises the flow file's ``version`` and keeps the
previous file, unchanged, as ``previous/<flow id>/<version>.yaml`` beside the flow file.
``load_catalog`` loads the current version and every previous one, so a conversation that
started under an older version goes on under it, and its answers carry that version.

A new version may instead move conversations over, with an explicit map in its file::

    migrate_from:
      "2026.11.1":            # conversations started under this version move to this one
        hc_waiting: hc_wait   # a renamed question
        hc_old_item: null     # a removed question

At the next turn of such a conversation its state is rewritten (``migrate_state``): the
question it is parked on and the recorded codes follow the renames; a removed question is
forgotten. A conversation whose version is neither loadable nor mapped, or whose parked
question does not exist in the version it resumes on, cannot go on: ``resume_plan`` says so,
and the caller closes the interview cleanly instead of failing the person's every message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey_flows.definition import Flow, FlowError, load_flow

PREVIOUS_DIR = "previous"


@dataclass(frozen=True)
class ResumePlan:
    """How a stored conversation resumes: on which flow, with which state.

    ``flow`` is None when it cannot resume; ``problem`` then says why
    (``flow_version_unavailable`` or ``question_removed``). ``moved_from`` names the version
    a migration map moved it from.
    """

    flow: Flow | None
    state: dict[str, Any]
    problem: str | None = None
    moved_from: str | None = None


@dataclass(frozen=True)
class FlowCatalog:
    """The current flow and the previous versions still loadable, by version."""

    current: Flow
    previous: Mapping[str, Flow] = field(default_factory=dict)

    def get(self, version: str) -> Flow | None:
        """Return the flow of a version, if it is loadable."""
        if version == self.current.version:
            return self.current
        return self.previous.get(version)

    def resume_plan(self, flow_id: str, version: str, state: dict[str, Any]) -> ResumePlan:
        """Decide the flow and state a stored conversation resumes with."""
        mapping = self.current.migrate_from.get(version) if flow_id == self.current.id else None
        if mapping is not None and version != self.current.version:
            moved = migrate_state(self.current, state, mapping)
            return _checked(ResumePlan(self.current, moved, moved_from=version))
        flow = self.get(version) if flow_id == self.current.id else None
        if flow is None:
            return ResumePlan(None, state, "flow_version_unavailable")
        return _checked(ResumePlan(flow, state))


def _checked(plan: ResumePlan) -> ResumePlan:
    question = plan.state.get("question")
    if plan.flow is not None and question and not plan.flow.has_question(question):
        return ResumePlan(None, plan.state, "question_removed", plan.moved_from)
    return plan


def migrate_state(
    flow: Flow, state: dict[str, Any], mapping: Mapping[str, str | None]
) -> dict[str, Any]:
    """Return the state of a conversation moved to ``flow`` by a question map.

    Renamed questions keep their recorded codes under the new id; a removed question (mapped
    to null) loses them and, if the conversation is parked on it, leaves it parked on a
    question the flow lacks (the caller then closes the interview).
    """
    moved = dict(state)

    def rename(qid: str) -> str | None:
        return mapping.get(qid, qid)

    answers = {}
    for qid, code in (state.get("answers") or {}).items():
        new_id = rename(qid)
        if new_id is not None:
            answers[new_id] = code
    moved["answers"] = answers
    question = state.get("question")
    if question:
        moved["question"] = rename(question) or f"{question} (removed)"
        if moved.get("pending") and moved["question"] != question:
            moved["pending"] = None  # a pending confirmation named the old question's codes
    order = [block for block in state.get("block_order") or [] if block in flow.blocks]
    moved["block_order"] = order + [block for block in flow.blocks if block not in order]
    return moved


@dataclass(frozen=True)
class Parked:
    """How many unfinished conversations wait on one question of one flow version."""

    flow_id: str
    version: str
    question: str | None
    count: int


def in_flight_report(catalog: FlowCatalog, parked: list[Parked]) -> tuple[list[str], list[str]]:
    """Return warnings (conversations this deploy would close) and notes (conversations that
    finish on an older version, or move by a map) for the conversations now in flight."""
    warnings: list[str] = []
    notes: list[str] = []
    current = catalog.current
    for group in parked:
        if group.flow_id != current.id:
            continue
        state = {"question": group.question}
        plan = catalog.resume_plan(group.flow_id, group.version, state)
        who = (
            f"{group.count} unfinished conversation(s) of version {group.version} parked on "
            f"{group.question!r}"
        )
        if plan.problem == "flow_version_unavailable":
            warnings.append(
                f"{who}: version {group.version} is not kept (expected "
                f"{PREVIOUS_DIR}/{current.id}/{group.version}.yaml) and migrate_from has no map "
                "for it; they will be closed at their next message. Keep the old file, or map it."
            )
        elif plan.problem == "question_removed":
            warnings.append(
                f"{who}: version {current.version} removes that question; they will be closed "
                "at their next message. Keep the old version, or map the question in migrate_from."
            )
        elif plan.moved_from is not None:
            moved = plan.state.get("question")
            notes.append(f"{who}: move to version {current.version} (at {moved!r}) by migrate_from")
        elif group.version != current.version:
            notes.append(f"{who}: finish on version {group.version}, which is kept")
    return warnings, notes


def previous_dir(flow_file: str | Path) -> Path:
    """Return the folder where the previous versions of a flow file are kept."""
    return Path(flow_file).parent / PREVIOUS_DIR


def load_catalog(flow_file: str | Path) -> FlowCatalog:
    """Load the current flow and the previous versions kept beside it."""
    current = load_flow(flow_file)
    previous: dict[str, Flow] = {}
    folder = previous_dir(flow_file) / current.id
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        flow = load_flow(path)
        if flow.id != current.id or flow.version != path.stem:
            raise FlowError(
                f"{path}: holds flow {flow.id!r} version {flow.version!r}; a previous version "
                f"must be kept as {folder}/<version>.yaml with that flow's id"
            )
        if flow.version != current.version:
            previous[flow.version] = flow
    return FlowCatalog(current, previous)
