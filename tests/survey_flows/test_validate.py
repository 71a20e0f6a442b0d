"""Static checks of flow files, as a flow author meets them.

Each case copies the shipped SDG 16.6.2 flow into a temporary folder, breaks exactly one
thing with a small text edit and expects exactly one problem, naming the file, the line and
what is wrong. The shipped flows themselves must validate clean.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from survey_flows import validate
from survey_flows.definition import FlowError, load_flow

REPO = Path(__file__).parents[2]
FLOWS = REPO / "survey_flows" / "flows"
FLOW_FILE = FLOWS / "sdg16_6_2.yaml"
# Every YAML file under flows/ is a survey flow, except the department referral list.
SHIPPED = sorted(FLOWS.glob("*.y*ml"))

BARRIER_10 = '      - {code: 10, label: "Other", title: {en: "Other", tn: "Tse dingwe"}}\n'
BARRIER_OPTIONS = '    options:\n      - {code: 1, label: "Could not afford it"'
SETSWANA = '{code: 2, label: "Setswana", title: {en: "Setswana", tn: "Setswana"}}'


def extra_options(n: int) -> str:
    return "".join(
        f'      - {{code: {c}, label: "Extra {c}", title: {{en: "Extra {c}", tn: "Tse {c}"}}}}\n'
        for c in range(11, 11 + n)
    )


def line_of(text: str, marker: str) -> int:
    """Return the 1-based line on which a marker (unique in the text) starts."""
    assert text.count(marker) == 1, f"marker {marker!r} is not unique in the edited flow"
    return text[: text.index(marker)].count("\n") + 1


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    """Copy the shipped flow into tmp_path with one exact, unique piece of text replaced."""
    text = FLOW_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} no longer occurs exactly once in {FLOW_FILE.name}"
    target = tmp_path / FLOW_FILE.name
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target


# name: (text to find, replacement, expected message, text that starts the reported line)
CASES: dict[str, tuple[str, str, str, str]] = {
    "route_to_unknown_question": (
        'when: {hc_need: [1]}\n    text:\n      en: "Each time',
        'when: {hc_nede: [1]}\n    text:\n      en: "Each time',
        "question 'hc_got_care': when names 'hc_nede', which is not asked before it "
        "(dangling route)",
        "when: {hc_nede: [1]}",
    ),
    "route_to_question_asked_later": (
        'when: {hc_got_care: [2]}\n    text:\n      en: "What was',
        'when: {hc_overall: [3]}\n    text:\n      en: "What was',
        "question 'hc_barrier': when names 'hc_overall', which is not asked before it "
        "(dangling route)",
        "when: {hc_overall: [3]}",
    ),
    "question_nobody_can_reach": (
        'when: {hc_need: [1]}\n    text:\n      en: "Each time',
        'when: {hc_need: [5]}\n    text:\n      en: "Each time',
        "question 'hc_got_care': when on 'hc_need' uses codes it never has, so this rule can "
        "never apply (unreachable)",
        "when: {hc_need: [5]}",
    ),
    "when_and_unless_contradict": (
        'when: {hc_need: [1]}\n    text:\n      en: "Each time',
        'when: {hc_need: [1]}\n    unless: {hc_need: [1, 2]}\n    text:\n      en: "Each time',
        "question 'hc_got_care': unless on 'hc_need' skips every code its when requires, so "
        "it is never asked (unreachable)",
        "unless: {hc_need: [1, 2]}",
    ),
    "duplicate_option_code": (
        SETSWANA,
        SETSWANA.replace("code: 2", "code: 1"),
        "question 'language': option code 1 is used twice",
        '{code: 1, label: "Setswana"',
    ),
    "question_text_missing_tn": (
        'text: {en: "Do you agree to take part?", tn: "A o dumela go tsaya karolo?"}',
        'text: {en: "Do you agree to take part?"}',
        "question 'consent': text missing for language 'tn'",
        'text: {en: "Do you agree to take part?"}',
    ),
    "message_text_missing_tn": (
        '    tn: "Re a leboga. Ga re kitla re go romelela dipotso dingwe. Tsamaya sentle."\n',
        "",
        "message 'declined': text missing for language 'tn'",
        "  declined:",
    ),
    "button_title_over_20_characters": (
        SETSWANA,
        SETSWANA.replace('en: "Setswana"', 'en: "Setswana of Botswana!"'),  # 21 characters
        "question 'language' option 2: button title 'Setswana of Botswana!' (en) is over 20 "
        "characters; Messenger cuts it",
        '{code: 2, label: "Setswana"',
    ),
    "more_than_13_options": (
        BARRIER_10,
        BARRIER_10 + extra_options(4),
        "question 'hc_barrier': 14 options; Messenger shows at most 13",
        BARRIER_OPTIONS,
    ),
    "intent_unknown_to_the_nlu": (
        "intent: strongly_agree,",
        "intent: strongly_agre,",
        "scale 'agree': intent 'strongly_agre' is not one the NLU knows",
        "intent: strongly_agre,",
    ),
    "optional_part_not_declared": (
        "optional: time_cost, when: {hc_need: [1]}, unless: {hc_any_care: [2]},\n"
        '     text: {en: "For that most recent visit',
        "optional: time_costs, when: {hc_need: [1]}, unless: {hc_any_care: [2]},\n"
        '     text: {en: "For that most recent visit',
        "question 'hc_tc_visits': optional part 'time_costs' is not declared under "
        "settings: optional",
        "  - {id: hc_tc_visits",
    ),
    "route_written_as_a_list": (
        'when: {hc_need: [1]}\n    text:\n      en: "Each time',
        'when: [hc_need]\n    text:\n      en: "Each time',
        "question 'hc_got_care': when must map question ids to a code or a list of codes, "
        "e.g. 'when: {hc_need: 1}'",
        "when: [hc_need]",
    ),
    "option_without_label": (
        SETSWANA,
        SETSWANA.replace('label: "Setswana", ', ""),
        "question 'language': option 2 needs a label (the English value label the exports print)",
        "{code: 2, title:",
    ),
    "languages_not_a_list": (
        "languages: [en, tn]",
        "languages: en",
        "languages must be a list of language codes, e.g. [en, tn]",
        "languages: en",
    ),
    "message_the_engine_sends_is_missing": (
        '  number_hint:\n    en: "Please type a number, for example 2."\n'
        '    tn: "Tsweetswee kwala nomoro, sekai 2."\n',
        "",
        "message 'number_hint' is missing; the engine sends it",
        "messages:\n  intro:",
    ),
    "variable_label_missing": (
        '  - id: hc_need\n    label: "Needed medical care, last 12 months"\n',
        "  - id: hc_need\n",
        "question 'hc_need': missing key 'label'",
        "- id: hc_need",
    ),
    "variable_label_too_long_for_stata": (
        'label: "Needed medical care, last 12 months"',
        'label: "' + "x" * 81 + '"',
        "question 'hc_need': label is 81 characters; Stata keeps 80",
        'label: "xxx',
    ),
    "option_code_reserved_for_the_exports": (
        '{code: 13, label: "Other town"',
        '{code: 95, label: "Other town"',
        "question 'district': option code 95 is reserved for the exports (95 not asked, "
        "96 gave up); use another code",
        '- {code: 95, label: "Other town"',
    ),
    "age_spans_that_overlap": (
        'title: {en: "25-34", tn: "25-34"}, span: [25, 34]}',
        'title: {en: "25-34", tn: "25-34"}, span: [24, 34]}',
        "question 'age_band': the spans of options 1 and 2 overlap; a typed number must pick "
        "one option",
        '{code: 2, label: "25-34"',
    ),
    "age_span_high_before_low": (
        "span: [35, 44]",
        "span: [44, 35]",
        "question 'age_band': option 3 span must be two numbers, low then high, like [25, 34]",
        '{code: 3, label: "35-44"',
    ),
    "quintiles_not_a_boolean": (
        "quintiles: false",
        "quintiles: maybe",
        "question 'income_band': quintiles must be true or false",
        "quintiles: maybe",
    ),
}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_flow_validates_clean(path: Path) -> None:
    problems = validate.validate_file(path)
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_broken_thing_gives_one_problem_naming_file_and_line(tmp_path: Path, case: str) -> None:
    old, new, message, marker = CASES[case]
    path = broken_copy(tmp_path, old, new)
    line = line_of(path.read_text(encoding="utf-8"), marker)
    assert [str(p) for p in validate.validate_file(path)] == [f"{path}:{line}: {message}"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (SETSWANA, SETSWANA.replace('en: "Setswana"', 'en: "Setswana of Botswana"')),
        (BARRIER_10, BARRIER_10 + extra_options(3)),
    ],
    ids=["title_of_exactly_20_characters", "exactly_13_options"],
)
def test_messenger_limits_are_inclusive(tmp_path: Path, old: str, new: str) -> None:
    problems = validate.validate_file(broken_copy(tmp_path, old, new))
    assert problems == [], "\n".join(map(str, problems))


def test_main_exits_0_for_shipped_flows_and_1_for_a_broken_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert SHIPPED, f"no flow files found under {FLOWS}"
    assert validate.main([str(p) for p in SHIPPED]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{p}: ok" for p in SHIPPED]

    old, new, message, marker = CASES["route_to_unknown_question"]
    broken = broken_copy(tmp_path, old, new)
    line = line_of(broken.read_text(encoding="utf-8"), marker)
    assert validate.main([str(FLOW_FILE), str(broken)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{FLOW_FILE}: ok", f"{broken}:{line}: {message}"]


def test_module_command_line_exit_codes(tmp_path: Path) -> None:
    def run(*paths: Path) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "survey_flows.validate", *map(str, paths)]
        return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)

    ok = run(*SHIPPED)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.splitlines() == [f"{p}: ok" for p in SHIPPED]
    broken = broken_copy(tmp_path, SETSWANA, SETSWANA.replace("code: 2", "code: 1"))
    bad = run(broken)
    assert bad.returncode != 0
    assert f"{broken}:" in bad.stdout and "option code 1 is used twice" in bad.stdout


def test_load_flow_raises_flow_error_naming_file_and_line_for_bad_indentation(
    tmp_path: Path,
) -> None:
    path = broken_copy(
        tmp_path,
        '    label: "Consent given"\n    area: survey',
        '    label: "Consent given"\n   area: survey',
    )
    line = line_of(path.read_text(encoding="utf-8"), "   area: survey\n    item: other\n    scale")
    with pytest.raises(FlowError) as caught:
        load_flow(path)
    assert str(caught.value).startswith(f"{path}:{line}: YAML syntax:")


def test_load_flow_raises_flow_error_for_a_dangling_route(tmp_path: Path) -> None:
    old, new, message, marker = CASES["route_to_unknown_question"]
    path = broken_copy(tmp_path, old, new)
    line = line_of(path.read_text(encoding="utf-8"), marker)
    with pytest.raises(FlowError) as caught:
        load_flow(path)
    assert str(caught.value) == f"{path}:{line}: {message}"


def test_income_bands_declared_quintiles_must_be_coded_1_to_5(tmp_path: Path) -> None:
    quintiles = broken_copy(tmp_path, "quintiles: false", "quintiles: true")
    assert validate.validate_file(quintiles) == []
    text = quintiles.read_text(encoding="utf-8")
    six = '      - {code: 6, label: "P12,000 or more"'
    quintiles.write_text(text.replace('      - {code: 5, label: "P12,000 or more"', six))
    problems = [p.message for p in validate.validate_file(quintiles)]
    assert problems == [
        "question 'income_band': quintiles: true needs options coded 1 to 5 (quintile 1 to 5)"
    ]
    assert (
        load_flow(broken_copy(tmp_path, "quintiles: false", "quintiles: true"))
        .question("income_band")
        .quintiles
    )
