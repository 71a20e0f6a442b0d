"""Flow definitions: versioned YAML data loaded into frozen objects.

A flow lists its questions in questionnaire order. Each question belongs to a block (the
service blocks are asked in an order drawn per respondent) or to the fixed parts (consent,
language, demographics, closing question). Routing is declarative, on earlier answers:
`when` (ask only if every named question was answered with one of the codes), `unless`
(skip if any named question has one of the codes) and `na_when` (record 97, not
applicable, if any named question has one of the codes). A question marked `optional: NAME`
belongs to an optional part of the questionnaire, asked only when `settings.optional.NAME`
is true; switching a part on changes the questionnaire, so it deserves a new flow version.
A version may list under `migrate_from` how conversations of earlier versions move to it
(survey_flows.versions keeps the earlier versions loadable and applies the maps).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

Condition = dict[str, tuple[int, ...]]


class FlowError(ValueError):
    """A flow file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Option:
    """One answer a person can tap: its code, label, per-language titles and intent."""

    code: int
    label: str
    titles: dict[str, str]
    intent: str | None = None
    screen_out: bool = False
    span: tuple[float, float] | None = None  # a typed number from low to high picks it

    def holds(self, number: float) -> bool:
        """Return whether a typed number picks this option."""
        return self.span is not None and self.span[0] <= number <= self.span[1]


@dataclass(frozen=True)
class Question:
    """One item of the questionnaire."""

    id: str
    area: str
    item: str
    kind: str  # choice, text, number
    texts: dict[str, str]
    label: str  # the short English variable label the codebook and the exports print
    options: tuple[Option, ...] = ()
    attribute: str | None = None
    block: str | None = None
    when: Condition | None = None
    unless: Condition | None = None
    na_when: Condition | None = None
    optional: str | None = None  # the name of an optional part; asked only when it is on
    # Whether the answer codes are national income quintiles (code k = quintile k); only
    # such bands may be published in an income quintile dimension (SDMX).
    quintiles: bool = False

    def option(self, code: int) -> Option | None:
        """Return the option with this code, if the question has one."""
        return next((o for o in self.options if o.code == code), None)

    def option_holding(self, number: float | None) -> Option | None:
        """Return the option whose span holds a typed number, if one does."""
        if number is None:
            return None
        return next((o for o in self.options if o.holds(number)), None)


@dataclass(frozen=True)
class Flow:
    """A whole survey definition."""

    id: str
    version: str
    default_language: str
    languages: tuple[str, ...]
    consent_version: str
    blocks: tuple[str, ...]
    questions: tuple[Question, ...]
    messages: dict[str, dict[str, str]]
    max_reasks: int = 3
    expiry_hours: float = 23
    reference_period_days: int = 365
    optional_parts: tuple[str, ...] = ()  # the optional parts switched on in settings
    # Earlier versions whose conversations move to this one: old question id -> new id, or
    # None for a removed question (survey_flows.versions).
    migrate_from: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def question(self, question_id: str) -> Question:
        """Return the question with this id."""
        return self._index[question_id]

    def has_question(self, question_id: str) -> bool:
        """Return whether this version has a question with this id."""
        return question_id in self._index

    @cached_property
    def _index(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def message(self, key: str, lang: str) -> str:
        """Return a message in a language (English, the reference, when missing)."""
        texts = self.messages[key]
        return texts.get(lang) or texts[self.default_language]


def _condition(raw: Any) -> Condition | None:
    if not raw:
        return None
    return {
        str(k): tuple(int(c) for c in (v if isinstance(v, list) else [v])) for k, v in raw.items()
    }


def _options(raw: list[dict[str, Any]]) -> tuple[Option, ...]:
    return tuple(
        Option(
            code=int(o["code"]),
            label=str(o["label"]),
            titles={k: str(v) for k, v in o["title"].items()},
            intent=o.get("intent"),
            screen_out=bool(o.get("screen_out", False)),
            span=(float(o["span"][0]), float(o["span"][1])) if "span" in o else None,
        )
        for o in raw
    )


def build_flow(data: dict[str, Any]) -> Flow:
    """Return a Flow from parsed YAML (already checked by the validator)."""
    scales = {name: _options(opts) for name, opts in (data.get("scales") or {}).items()}
    questions = []
    for q in data["questions"]:
        options = _options(q["options"]) if "options" in q else scales.get(q.get("scale", ""), ())
        questions.append(
            Question(
                id=q["id"],
                area=q["area"],
                item=q["item"],
                kind=q.get("type", "choice"),
                texts={k: str(v) for k, v in q["text"].items()},
                label=str(q["label"]),
                options=options,
                attribute=q.get("attribute"),
                block=q.get("block"),
                when=_condition(q.get("when")),
                unless=_condition(q.get("unless")),
                na_when=_condition(q.get("na_when")),
                optional=q.get("optional"),
                quintiles=bool(q.get("quintiles", False)),
            )
        )
    settings = data.get("settings") or {}
    return Flow(
        id=str(data["id"]),
        version=str(data["version"]),
        default_language=str(data["default_language"]),
        languages=tuple(data["languages"]),
        consent_version=str(data["consent_version"]),
        blocks=tuple(data["blocks"]),
        questions=tuple(questions),
        messages={k: {lk: str(lv) for lk, lv in v.items()} for k, v in data["messages"].items()},
        max_reasks=int(settings.get("max_reasks", 3)),
        expiry_hours=float(settings.get("expiry_hours", 23)),
        reference_period_days=int(settings.get("reference_period_days", 365)),
        optional_parts=tuple(name for name, on in (settings.get("optional") or {}).items() if on),
        migrate_from={
            str(version): {str(old): None if new is None else str(new) for old, new in m.items()}
            for version, m in (data.get("migrate_from") or {}).items()
        },
    )


def load_flow(path: str | Path) -> Flow:
    """Load and validate a flow file; raise FlowError naming file:line on a problem."""
    from survey_flows.validate import SAFE_LOADER, validate_file

    problems = validate_file(path)
    if problems:
        raise FlowError("\n".join(str(p) for p in problems))
    return build_flow(yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER))
