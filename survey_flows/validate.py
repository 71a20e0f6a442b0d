"""Static checks of a flow file; every problem names the file and line.

Checks: YAML syntax; required keys; duplicate question ids; routing that names an unknown
question or a question asked later (a dangling route); questions that can never be asked;
duplicate option codes; a text missing for a declared language; a button title over 20
characters; more than 13 buttons; an intent the NLU does not know; an optional part that
is not declared in the settings; a `migrate_from` map that moves conversations to a question
this version lacks; a variable label missing or over Stata's 80 characters; option codes 95
and 96 (the exports' "not asked" and "gave up"); a `quintiles` declaration that is not a
boolean, or true on a question whose options are not coded 1 to 5.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from survey_flows.intents import ALL as KNOWN_INTENTS

MAX_TITLE = 20
MAX_OPTIONS = 13
TOP_KEYS = (
    "spec_version",
    "id",
    "version",
    "default_language",
    "languages",
    "consent_version",
    "blocks",
    "messages",
    "questions",
)
QUESTION_KEYS = ("id", "label", "area", "item", "text")
MAX_VARIABLE_LABEL = 80  # Stata's limit; SPSS allows more
# Codes the wide microdata gives to "not asked" and "gave up" (analytics.microdata).
RESERVED_CODES = (95, 96)
QUINTILE_CODES = {1, 2, 3, 4, 5}
# Messages and questions the engine itself sends; a flow without them cannot run.
REQUIRED_MESSAGES = (
    "intro",
    "declined",
    "consent_unclear",
    "screen_unclear",
    "language",
    "thanks",
    "already_done",
    "screened_out",
    "help",
    "stopped",
    "reask_hint",
    "best_guess",
    "confirm",
    "gave_up",
    "expired",
    "continue",
    "start_again",
    "delete_confirm",
    "deleted",
    "delete_cancelled",
    "number_hint",
    "answer_yes",
    "answer_no",
    "interview_ended",
)
REQUIRED_QUESTIONS = ("consent", "language")
KINDS = ("choice", "text", "number")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a flow file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# libyaml's loader where it is installed: the app validates its flows at every start.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _lines(node: yaml.Node, scalars: yaml.constructor.SafeConstructor) -> Any:
    """Return the YAML document as Python data where each mapping knows its line."""
    if isinstance(node, yaml.MappingNode):
        pairs = [(_lines(k, scalars), _lines(v, scalars), k) for k, v in node.value]
        data = LineDict((key, value) for key, value, _ in pairs)
        data.line = node.start_mark.line + 1
        data.key_lines = {key: k.start_mark.line + 1 for key, _, k in pairs}
        return data
    if isinstance(node, yaml.SequenceNode):
        return [_lines(item, scalars) for item in node.value]
    return scalars.construct_object(node) if isinstance(node, yaml.ScalarNode) else None


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping that remembers where it, and each of its keys, stands in the file."""

    line: int = 0
    key_lines: dict[Any, int]

    def at(self, key: str) -> int:
        """Return the line of a key, or of the mapping when the key is absent."""
        return self.key_lines.get(key, self.line)


def validate_file(path: str | Path) -> list[Problem]:
    """Return every problem found in a flow file (an empty list when it is sound)."""
    name = str(path)
    try:
        node = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except OSError as exc:
        return [Problem(name, 0, f"cannot read the file: {exc.strerror}")]
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        return [Problem(name, line, f"YAML syntax: {exc.problem}")]
    data = _lines(node, yaml.constructor.SafeConstructor()) if node is not None else None
    if not isinstance(data, LineDict):
        return [
            Problem(name, 1, "a flow file must be a mapping with the keys " + ", ".join(TOP_KEYS))
        ]
    return _check(name, data)


def _check(name: str, data: LineDict) -> list[Problem]:
    problems: list[Problem] = []

    def report(line: int, message: str) -> None:
        problems.append(Problem(name, line, message))

    for key in TOP_KEYS:
        if key not in data:
            report(data.line, f"missing top-level key '{key}'")
    if problems:
        return problems
    languages = data["languages"]
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        report(data.at("languages"), "languages must be a list of language codes, e.g. [en, tn]")
        return problems
    scales: Any = data.get("scales") or {}

    def texts_complete(texts: Any, where: str, line: int, limit: int | None = None) -> None:
        if not isinstance(texts, dict):
            report(line, f"{where}: expected a text per language ({', '.join(languages)})")
            return
        for lang in languages:
            if not texts.get(lang):
                report(line, f"{where}: text missing for language '{lang}'")
            elif limit and len(str(texts[lang])) > limit:
                report(
                    line,
                    f"{where}: button title {texts[lang]!r} ({lang}) is over "
                    f"{limit} characters; Messenger cuts it",
                )

    def check_options(options: Any, where: str, line: int) -> None:
        if not isinstance(options, list) or not options:
            report(line, f"{where}: needs a non-empty list of options")
            return
        if len(options) > MAX_OPTIONS:
            report(line, f"{where}: {len(options)} options; Messenger shows at most {MAX_OPTIONS}")
        seen: set[int] = set()
        spans: list[tuple[float, float, int]] = []
        for option in options:
            oline = option.line if isinstance(option, LineDict) else line
            code = option.get("code") if isinstance(option, dict) else None
            if not isinstance(code, int):
                report(oline, f"{where}: each option needs an integer code")
                continue
            if code in seen:
                report(oline, f"{where}: option code {code} is used twice")
            if code in RESERVED_CODES:
                report(
                    oline,
                    f"{where}: option code {code} is reserved for the exports "
                    "(95 not asked, 96 gave up); use another code",
                )
            seen.add(code)
            if not option.get("label"):
                report(
                    oline,
                    f"{where}: option {code} needs a label (the English value label "
                    "the exports print)",
                )
            if option.get("intent") and option["intent"] not in KNOWN_INTENTS:
                report(oline, f"{where}: intent {option['intent']!r} is not one the NLU knows")
            if "span" in option:
                span = _span(option["span"])
                if span is None:
                    report(
                        oline,
                        f"{where}: option {code} span must be two numbers, low then high, "
                        "like [25, 34]",
                    )
                else:
                    for low, high, other in spans:
                        if span[0] <= high and low <= span[1]:
                            report(
                                oline,
                                f"{where}: the spans of options {other} and {code} overlap; "
                                "a typed number must pick one option",
                            )
                    spans.append((*span, code))
            texts_complete(option.get("title"), f"{where} option {code}", oline, MAX_TITLE)

    for key in REQUIRED_MESSAGES:
        if key not in data["messages"]:
            report(data.at("messages"), f"message '{key}' is missing; the engine sends it")
    for key, texts in (data.get("messages") or {}).items():
        texts_complete(texts, f"message '{key}'", data["messages"].at(key))
    for scale, options in scales.items():
        line = scales.at(scale) if isinstance(scales, LineDict) else data.at("scales")
        check_options(options, f"scale '{scale}'", line)

    seen_ids: dict[str, int] = {}
    blocks = set(data["blocks"])
    optional_parts = set((data.get("settings") or {}).get("optional") or {})
    for question in data["questions"]:
        if not isinstance(question, LineDict):
            report(data.at("questions"), "each question must be a mapping")
            continue
        line = question.line
        qid = question.get("id", "?")
        where = f"question '{qid}'"
        for key in QUESTION_KEYS:
            if key not in question:
                report(line, f"{where}: missing key '{key}'")
        if qid in seen_ids:
            report(line, f"{where}: id already used on line {seen_ids[qid]}")
        kind = question.get("type", "choice")
        if kind not in KINDS:
            report(question.at("type"), f"{where}: type must be one of {', '.join(KINDS)}")
        if question.get("optional") and question["optional"] not in optional_parts:
            report(
                question.at("optional"),
                f"{where}: optional part {question['optional']!r} "
                "is not declared under settings: optional",
            )
        if question.get("block") and question["block"] not in blocks:
            report(question.at("block"), f"{where}: block {question['block']!r} is not declared")
        texts_complete(question.get("text"), where, question.at("text"))
        _check_label(question, where, report)
        if kind == "choice":
            if "options" in question:
                check_options(question["options"], where, question.at("options"))
            elif question.get("scale") not in scales:
                report(question.at("scale"), f"{where}: needs options or a declared scale")
        for rule in ("when", "unless", "na_when"):
            if not isinstance(question.get(rule) or {}, dict):
                report(
                    question.at(rule),
                    f"{where}: {rule} must map question ids to a code or a "
                    f"list of codes, e.g. '{rule}: {{hc_need: 1}}'",
                )
                continue
            for target, codes in (question.get(rule) or {}).items():
                rline = question[rule].at(target)
                if target not in seen_ids:
                    report(
                        rline,
                        f"{where}: {rule} names {target!r}, which is not asked "
                        "before it (dangling route)",
                    )
                    continue
                target_codes = _codes(data, scales, target)
                wanted = codes if isinstance(codes, list) else [codes]
                if target_codes is not None and not set(wanted) & (target_codes | {97, 98, 99}):
                    report(
                        rline,
                        f"{where}: {rule} on {target!r} uses codes it never has, so "
                        "this rule can never apply (unreachable)",
                    )
        _check_contradiction(question, where, report)
        seen_ids[qid] = line
    for qid in REQUIRED_QUESTIONS:
        if qid not in seen_ids:
            report(data.at("questions"), f"question '{qid}' is missing; every flow starts with it")
    _check_migrations(data, set(seen_ids), report)
    return problems


def _span(raw: Any) -> tuple[float, float] | None:
    """Return a span given as [low, high] in numbers, or None when it is not one."""
    if not isinstance(raw, list) or len(raw) != 2:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw):
        return None
    low, high = float(raw[0]), float(raw[1])
    return (low, high) if low <= high else None


def _check_migrations(data: LineDict, question_ids: set[str], report: Any) -> None:
    """Report a `migrate_from` map that names questions this version does not have."""
    maps = data.get("migrate_from")
    if maps is None:
        return
    if not isinstance(maps, LineDict):
        report(data.at("migrate_from"), "migrate_from must map earlier versions to question maps")
        return
    for version, mapping in maps.items():
        line = maps.at(version)
        if str(version) == str(data["version"]):
            report(line, f"migrate_from names this file's own version {version!r}")
        if not isinstance(mapping, LineDict):
            report(line, f"migrate_from {version!r}: expected 'old_id: new_id' (or null) pairs")
            continue
        for old, new in mapping.items():
            if new is not None and new not in question_ids:
                report(
                    mapping.at(old),
                    f"migrate_from {version!r}: {old!r} moves to {new!r}, which this version "
                    "does not have (use null for a removed question)",
                )


def _check_label(question: LineDict, where: str, report: Any) -> None:
    """Report a missing or overlong variable label, or a quintile declaration that cannot hold."""
    label = question.get("label")
    if "label" in question and (not isinstance(label, str) or not label.strip()):
        report(question.at("label"), f"{where}: label must be a short English variable label")
    elif isinstance(label, str) and len(label) > MAX_VARIABLE_LABEL:
        report(
            question.at("label"),
            f"{where}: label is {len(label)} characters; Stata keeps {MAX_VARIABLE_LABEL}",
        )
    if "quintiles" not in question:
        return
    codes = {o.get("code") for o in question.get("options") or [] if isinstance(o, dict)}
    if not isinstance(question["quintiles"], bool):
        report(question.at("quintiles"), f"{where}: quintiles must be true or false")
    elif question["quintiles"] and codes - {97, 98, 99} != QUINTILE_CODES:
        report(
            question.at("quintiles"),
            f"{where}: quintiles: true needs options coded 1 to 5 (quintile 1 to 5)",
        )


def _check_contradiction(question: LineDict, where: str, report: Any) -> None:
    """Report a question that `unless` skips for every answer its `when` requires."""
    when, unless = question.get("when"), question.get("unless")
    if not isinstance(when, dict) or not isinstance(unless, dict):
        return
    for target in sorted(set(when) & set(unless)):
        required = set(when[target] if isinstance(when[target], list) else [when[target]])
        skipped = set(unless[target] if isinstance(unless[target], list) else [unless[target]])
        if required and required <= skipped:
            report(
                question["unless"].at(target),
                f"{where}: unless on {target!r} skips every code its when requires, so it "
                "is never asked (unreachable)",
            )


def _codes(data: LineDict, scales: dict[str, Any], qid: str) -> set[int] | None:
    for question in data["questions"]:
        if isinstance(question, dict) and question.get("id") == qid:
            options = question.get("options") or scales.get(question.get("scale", ""))
            return {o.get("code") for o in options} if options else None
    return None


def main(paths: list[str]) -> int:
    """Validate each file, print the problems (or ok); return 1 if any file has problems."""
    failed = 0
    for path in paths:
        problems = validate_file(path)
        for problem in problems:
            print(problem)
        if not problems:
            print(f"{path}: ok")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
