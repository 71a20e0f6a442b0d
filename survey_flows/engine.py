"""The survey engine: pure functions from (flow, state, input) to a new state and events.

`start(flow, ctx)` opens a conversation; `resume(flow, state, inp, classifier)` runs one
turn. The state is plain JSON. Nothing here does IO: the classifier is a port.

Button payloads: `A:<question_id>:<code>` answers a question; `C:<command>` is a command
(stop, restart, help, change_language, delete_my_data, continue, confirm_yes, confirm_no,
lang_en, lang_tn). A payload for any question but the current one is stale (an old button
tapped late) and only brings the current question back; it never records an answer.

Typed text is matched against the current question's button titles (either language) and
option numbers first; otherwise `survey_flows.confidence.read_answer` reads it (a rating is
a position on a scale that the question maps to its own options; docs/typed-answers.md)
and says whether to record, confirm or re-ask. A number question reads the classifier's
number entity (`read_number`), in digits or words; so does a question whose options hold
spans of numbers (the age bands: "I'm 30" picks 25-34).
"Don't know" and "refuse" are never buttons: typed once, the bot asks for a best guess;
typed twice, 98 or 99 is recorded. After `max_reasks` re-asks the item is recorded as no
answer (`gave_up`) and the survey moves on, so no one is caught in a loop.

Gates are the exception: consent and the eligibility screen (a question with a screen-out
option) pass only on a clear answer, tapped or typed. A like, a sticker, a photo, words the
bot cannot read, "don't know" or "skip" there are asked again, and after `max_reasks` the
conversation ends politely: at consent as a decline does (nothing of theirs is kept), at
the screen as a screen-out. "Restart" never leads past a consent not given. A deletion
happens only on a clear yes to its own confirmation; anything else keeps the data.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from typing import Any

from survey_flows.confidence import read_answer, read_number
from survey_flows.decision import Answer, Decision, decide
from survey_flows.definition import Flow, Option, Question
from survey_flows.departments import BLOCK_OF_AREA
from survey_flows.intents import COMMANDS, NUMBER
from survey_flows.ports import Classifier, Interpretation
from survey_flows.record import RESTART_KEEPS, applies, is_new_interview, not_applicable
from survey_flows.step import (
    AnswerRecorded,
    Completed,
    Declined,
    DeletionConfirmed,
    Event,
    Input,
    OptedOut,
    QuickReply,
    Restarted,
    Say,
    ScreenedOut,
    StartContext,
    Step,
)

NA, DK, RA = 97, 98, 99
CONSENT, CONSENT_YES = "consent", 1
LANG_BY_CODE = {1: "en", 2: "tn"}
ENDED = ("completed", "declined", "screened_out", "deleted")
NON_SUBSTANTIVE = {"dont_know": DK, "refuse": RA}
NON_SUBSTANTIVE_LABEL = {NA: "Not applicable", DK: "Don't know", RA: "Refused"}


class _Turn:
    """The working copy of one turn: the state being changed and the events so far."""

    def __init__(self, flow: Flow, state: dict[str, Any], at: datetime) -> None:
        self.flow = flow
        self.state = state
        self.at = at
        self.events: list[Event] = []

    @property
    def lang(self) -> str:
        return str(self.state["lang"])

    def say(self, text: str, replies: tuple[QuickReply, ...] = ()) -> None:
        self.events.append(Say(text, replies))

    def message(self, key: str) -> str:
        return self.flow.message(key, self.lang)

    def step(self) -> Step:
        self.state["last_input_at"] = self.at.isoformat()
        return Step(self.state, tuple(self.events))

    # --- asking ----------------------------------------------------------------------

    def current(self) -> Question | None:
        qid = self.state.get("question")
        return self.flow.question(qid) if qid else None

    def ask(self, question: Question, prefix: str | None = None) -> None:
        replies = tuple(
            QuickReply(o.titles[self.lang], f"A:{question.id}:{o.code}") for o in question.options
        )
        text = question.texts[self.lang]
        self.say(f"{prefix}\n\n{text}" if prefix else text, replies)

    def ask_current(self, prefix: str | None = None) -> None:
        question = self.current()
        if question is not None:
            self.ask(question, prefix)

    def move_to(self, question: Question) -> None:
        self.state.update(
            question=question.id, asked_at=self.at.isoformat(), reasks=0, dk=0, pending=None
        )
        self.ask(question)

    # --- recording and routing -------------------------------------------------------

    def record(
        self,
        question: Question,
        code: int | None,
        method: str,
        label: str | None,
        interpretation: Interpretation | None = None,
        raw_text: str | None = None,
        value: float | None = None,
    ) -> None:
        asked = self.state.get("asked_at") if self.state.get("question") == question.id else None
        self.events.append(
            AnswerRecorded(
                question_id=question.id,
                service_area=question.area,
                item=question.item,
                attribute=question.attribute,
                code=code,
                label=label,
                method=method,
                lang=self.lang,
                flow_id=self.flow.id,
                flow_version=self.flow.version,
                consent_version=self.flow.consent_version,
                asked_at=datetime.fromisoformat(asked) if asked else None,
                answered_at=self.at,
                value=value,
                raw_text=raw_text,
                intent=interpretation.intent if interpretation else None,
                confidence=interpretation.confidence if interpretation else None,
                reasks=int(self.state.get("reasks", 0)) if asked else 0,
            )
        )
        if code is not None:
            self.state["answers"][question.id] = code

    def advance(self) -> None:
        """Move to the next question that applies, recording 97 where routing says NA."""
        order = sequence(self.flow, self.state["block_order"])
        position = order.index(self.state["question"]) + 1 if self.state.get("question") else 0
        answers = self.state["answers"]
        for qid in order[position:]:
            question = self.flow.question(qid)
            if not applies(question, answers):
                continue
            if not_applicable(question, answers):
                self.state["question"] = None
                self.record(question, NA, "routing", NON_SUBSTANTIVE_LABEL[NA])
                continue
            self.move_to(question)
            return
        self.state.update(status="completed", question=None, pending=None)
        self.say(self.message("thanks"))
        self.events.append(Completed())


def is_gate(question: Question) -> bool:
    """Return whether only a clear answer may pass this question (consent, screening)."""
    return question.id == CONSENT or any(option.screen_out for option in question.options)


def sequence(flow: Flow, block_order: list[str]) -> list[str]:
    """Return the question ids in the order this respondent meets them.

    The file order is the questionnaire order, except that the service blocks are asked in
    the order drawn for this respondent, where the first block question stands in the file.
    Questions of optional parts that are switched off are left out.
    """
    by_block: dict[str, list[str]] = {block: [] for block in flow.blocks}
    before: list[str] = []
    after: list[str] = []
    for question in flow.questions:
        if question.optional and question.optional not in flow.optional_parts:
            continue
        if question.block:
            by_block[question.block].append(question.id)
        else:
            (after if any(by_block.values()) else before).append(question.id)
    return [*before, *(qid for block in block_order for qid in by_block[block]), *after]


def start(flow: Flow, ctx: StartContext) -> Step:
    """Open a conversation: introduction and consent, or a word that they already took part."""
    blocks = list(flow.blocks)
    random.Random(ctx.seed).shuffle(blocks)
    first = BLOCK_OF_AREA.get(ctx.first_area or "")
    if first in blocks:
        blocks.remove(first)
        blocks.insert(0, first)
    state: dict[str, Any] = {
        "status": "active",
        "question": None,
        "lang": ctx.lang or flow.default_language,
        "block_order": blocks,
        "seed": ctx.seed,
        "department": ctx.department,
        "answers": {},
        "asked_at": None,
        "reasks": 0,
        "dk": 0,
        "pending": None,
        "last_input_at": ctx.now.isoformat(),
    }
    turn = _Turn(flow, state, ctx.now)
    if not is_new_interview(flow, ctx.last_completed_at, ctx.now):
        state["status"] = "completed"
        turn.say(turn.message("already_done"))
        return turn.step()
    turn.say(turn.message("intro"))
    turn.move_to(flow.question("consent"))
    return turn.step()


def resume(flow: Flow, state: dict[str, Any], inp: Input, classifier: Classifier) -> Step:
    """Run one turn of the conversation with what the person tapped or typed."""
    state = _copy(state)
    turn = _Turn(flow, state, inp.at)
    if state["status"] in ENDED:
        return Step(state, ())
    last = datetime.fromisoformat(state["last_input_at"])
    command = _command(inp)
    if state["status"] == "stopped":
        if command is None and inp.text:
            command = _typed_command(classifier, inp.text, turn.lang)
        if command == "restart":
            state["status"] = "active"
            _run_command(turn, "restart")
        return turn.step() if turn.events else Step(state, ())
    if inp.at - last >= timedelta(hours=flow.expiry_hours) and command is None:
        state["pending"] = {"kind": "expired"}
        turn.say(
            turn.message("expired"),
            (
                QuickReply(turn.message("continue"), "C:continue"),
                QuickReply(turn.message("start_again"), "C:restart"),
            ),
        )
        return turn.step()
    _handle(turn, inp, command, classifier)
    return turn.step()


def _copy(state: dict[str, Any]) -> dict[str, Any]:
    copied = dict(state)
    copied["answers"] = dict(state.get("answers") or {})
    return copied


def _command(inp: Input) -> str | None:
    if inp.payload and inp.payload.startswith("C:"):
        return inp.payload[2:]
    return None


def _typed_command(classifier: Classifier, text: str, lang: str) -> str | None:
    reading = classifier.classify(text, COMMANDS, lang)
    return reading.intent if decide(reading) is Decision.RECORD else None


def _handle(turn: _Turn, inp: Input, command: str | None, classifier: Classifier) -> None:
    pending = turn.state.get("pending") or {}
    if command is not None:
        _run_command(turn, command)
        return
    question = turn.current()
    if question is None:
        return
    if pending.get("kind") == "delete" and not inp.payload:
        _answer_deletion(turn, (inp.text or "").strip(), classifier)
        return
    if inp.payload:
        match = re.fullmatch(r"A:(\w+):(-?\d+)", inp.payload)
        option = question.option(int(match.group(2))) if match else None
        if match and match.group(1) == question.id and option is not None:
            _accept(turn, question, option.code, "button")
        else:
            turn.ask_current()  # a stale or unknown button: show the current question again
        return
    text = (inp.text or "").strip()
    if not text:
        _reask(turn, question)
        return
    if pending.get("kind") == "confirm":
        reading = classifier.classify(text, ("yes", "no", *COMMANDS), turn.lang)
        if reading.intent in ("yes", "no") and decide(reading) is Decision.RECORD:
            _run_command(turn, "confirm_yes" if reading.intent == "yes" else "confirm_no")
            return
    if question.kind == "text":
        typed = _typed_command(classifier, text, turn.lang)
        if typed in ("stop", "delete_my_data", "help", "change_language", "restart"):
            _run_command(turn, typed)
            return
        turn.record(question, None, "text", None, raw_text=text)
        turn.advance()
        return
    if question.kind == "number":
        _interpret_number(turn, question, text, classifier)
        return
    code = _match_title(question, text)
    if code is not None:
        _accept(turn, question, code, "keyword", raw_text=text)
        return
    if any(option.span for option in question.options):
        _interpret_in_spans(turn, question, text, classifier)
        return
    _interpret(turn, question, text, classifier)


def _answer_deletion(turn: _Turn, text: str, classifier: Classifier) -> None:
    """Delete only on a clear yes: a hesitant yes, a like or anything else keeps the data."""
    reading = classifier.classify(text, ("yes", "no"), turn.lang) if text else None
    clear_yes = (
        reading is not None and reading.intent == "yes" and decide(reading) is Decision.RECORD
    )
    _run_command(turn, "delete_yes" if clear_yes else "delete_no")


def _match_title(question: Question, text: str) -> int | None:
    folded = " ".join(text.lower().split())
    for option in question.options:
        if any(folded == title.lower() for title in option.titles.values()):
            return option.code
    # isdecimal, not isdigit: "¹" is a digit that int() refuses (found by the webhook fuzz).
    if folded.isdecimal() and len(folded) <= 3 and 1 <= int(folded) <= len(question.options):
        return question.options[int(folded) - 1].code
    return None


def _interpret(turn: _Turn, question: Question, text: str, classifier: Classifier) -> None:
    intents = {o.intent: o.code for o in question.options if o.intent}
    answer = read_answer(classifier, text, tuple(intents), turn.lang)
    if _acted_without_an_option(turn, question, answer, text):
        return
    reading = answer.interpretation()
    if answer.intent in intents and answer.decision is Decision.RECORD:
        _accept(turn, question, intents[answer.intent], answer.source, reading, text)
        return
    if answer.intent in intents and answer.decision is Decision.CONFIRM:
        option = question.option(intents[answer.intent])
        assert option is not None
        _ask_to_confirm(turn, question, option, answer, text)
        return
    _reask(turn, question)


def _interpret_in_spans(turn: _Turn, question: Question, text: str, classifier: Classifier) -> None:
    """A typed number picks the option whose span holds it: "I'm 30" at the age question.

    A number that would screen the person out is confirmed first: a misread "16" must not
    end an adult's interview and erase what they sent.
    """
    answer = read_number(classifier, text, turn.lang)
    if _acted_without_an_option(turn, question, answer, text):
        return
    option = question.option_holding(answer.value) if answer.intent == NUMBER else None
    if option is None:
        _reask(turn, question)
    elif option.screen_out:
        _ask_to_confirm(turn, question, option, answer, text)
    else:
        _accept(turn, question, option.code, answer.source, answer.interpretation(), text)


def _ask_to_confirm(
    turn: _Turn, question: Question, option: Option, answer: Answer, text: str
) -> None:
    """Ask "Did you mean ...?" with yes and no buttons; the answer waits in ``pending``."""
    # Typing again instead of answering "Did you mean...?" counts as asking again, so a
    # person who keeps typing unclear answers is not asked to confirm for ever.
    already_asked = (turn.state.get("pending") or {}).get("kind") == "confirm"
    if already_asked and _gave_up(turn, question):
        return
    turn.state["pending"] = {
        "kind": "confirm",
        "code": option.code,
        "intent": answer.intent,
        "confidence": answer.confidence,
        "source": answer.source,
        "raw_text": text,
    }
    turn.say(
        turn.message("confirm").format(answer=option.titles[turn.lang]),
        (
            QuickReply(turn.message("answer_yes"), "C:confirm_yes"),
            QuickReply(turn.message("answer_no"), "C:confirm_no"),
        ),
    )


def _interpret_number(turn: _Turn, question: Question, text: str, classifier: Classifier) -> None:
    answer = read_number(classifier, text, turn.lang)
    if _acted_without_an_option(turn, question, answer, text):
        return
    if answer.intent == NUMBER and answer.decision is Decision.RECORD:
        reading = answer.interpretation()
        turn.record(question, None, answer.source, None, reading, text, value=answer.value)
        turn.advance()
        return
    _reask(turn, question, turn.message("number_hint"))


def _acted_without_an_option(turn: _Turn, question: Question, answer: Answer, text: str) -> bool:
    """Run a typed command, or handle "don't know" and "refuse"; return whether it did."""
    if answer.decision is not Decision.RECORD:
        return False
    if answer.intent in COMMANDS:
        _run_command(turn, answer.intent)
        return True
    if answer.intent in NON_SUBSTANTIVE and is_gate(question):
        _reask(turn, question)  # a gate needs a real answer: no 98 or 99 lets anyone pass
        return True
    if answer.intent in NON_SUBSTANTIVE:
        if turn.state.get("dk", 0) == 0:
            turn.state["dk"] = 1
            turn.ask_current(turn.message("best_guess"))
            return True
        code = NON_SUBSTANTIVE[answer.intent]
        reading = answer.interpretation()
        turn.record(question, code, answer.source, NON_SUBSTANTIVE_LABEL[code], reading, text)
        turn.advance()
        return True
    return False


def _accept(
    turn: _Turn,
    question: Question,
    code: int,
    method: str,
    reading: Interpretation | None = None,
    raw_text: str | None = None,
) -> None:
    option = question.option(code)
    label = option.label if option else None
    if question.id == CONSENT and code == 2:
        turn.state.update(status="declined", question=None, pending=None, answers={})
        turn.say(turn.message("declined"))
        turn.events.append(Declined())
        return
    if option is not None and option.screen_out:
        turn.state.update(status="screened_out", question=None, pending=None)
        turn.say(turn.message("screened_out"))
        turn.events.append(ScreenedOut())
        return
    if question.id == "language":
        turn.state["lang"] = LANG_BY_CODE.get(code, turn.lang)
    turn.record(question, code, method, label, reading, raw_text)
    turn.advance()


def _reask(turn: _Turn, question: Question, hint: str | None = None) -> None:
    turn.state["pending"] = None
    if not _gave_up(turn, question):
        turn.ask_current(hint or turn.message("reask_hint"))


def _gave_up(turn: _Turn, question: Question) -> bool:
    """Count one more asking of the question; past the limit record no answer and go on
    (or, at a gate, end the conversation)."""
    turn.state["reasks"] = int(turn.state.get("reasks", 0)) + 1
    if turn.state["reasks"] <= turn.flow.max_reasks:
        return False
    turn.state["pending"] = None
    if is_gate(question):
        _end_at_gate(turn, question)
        return True
    turn.record(question, None, "gave_up", None)
    turn.say(turn.message("gave_up"))
    turn.advance()
    return True


def _end_at_gate(turn: _Turn, question: Question) -> None:
    """End politely where no clear answer came: no consent is a decline, no age a screen-out."""
    if question.id == CONSENT:
        turn.state.update(status="declined", question=None, pending=None, answers={})
        turn.say(turn.message("consent_unclear"))
        turn.events.append(Declined())
    else:
        turn.state.update(status="screened_out", question=None, pending=None)
        turn.say(turn.message("screen_unclear"))
        turn.events.append(ScreenedOut())


def _run_command(turn: _Turn, command: str) -> None:
    state = turn.state
    pending = state.get("pending") or {}
    question = turn.current()
    if command == "stop":
        state.update(status="stopped", pending=None)
        turn.say(turn.message("stopped"))
        turn.events.append(OptedOut())
    elif command == "restart":
        # The answers given so far leave the route: routing must not read them again, and
        # the caller retires their rows (survey_flows.record).
        turn.events.append(Restarted(kept=RESTART_KEEPS))
        state["pending"] = None
        state["answers"] = {q: c for q, c in state["answers"].items() if q in RESTART_KEEPS}
        if state["answers"].get(CONSENT) != CONSENT_YES:
            turn.move_to(turn.flow.question(CONSENT))  # never past a consent not given
        else:
            state["question"] = "language"
            turn.advance()
    elif command == "help":
        turn.ask_current(turn.message("help"))
    elif command in ("continue", "greet"):
        state["pending"] = None
        turn.ask_current()
    elif command == "change_language":
        state["pending"] = {"kind": "language"}
        turn.say(
            turn.message("language"),
            (QuickReply("English", "C:lang_en"), QuickReply("Setswana", "C:lang_tn")),
        )
    elif command in ("lang_en", "lang_tn"):
        state.update(lang=command[-2:], pending=None)
        turn.ask_current()
    elif command == "delete_my_data":
        state["pending"] = {"kind": "delete"}
        turn.say(
            turn.message("delete_confirm"),
            (
                QuickReply(turn.message("answer_yes"), "C:delete_yes"),
                QuickReply(turn.message("answer_no"), "C:delete_no"),
            ),
        )
    elif command == "delete_yes" and pending.get("kind") != "delete":
        _run_command(turn, "delete_my_data")  # an old button: confirm again, never assume
    elif command == "delete_yes":
        state.update(status="deleted", question=None, pending=None, answers={})
        turn.say(turn.message("deleted"))
        turn.events.append(DeletionConfirmed())
    elif command == "delete_no":
        state["pending"] = None
        turn.ask_current(turn.message("delete_cancelled"))
    elif command == "confirm_yes" and pending.get("kind") == "confirm" and question is not None:
        reading = Interpretation(pending["intent"], pending["confidence"], pending["source"])
        _accept(
            turn, question, int(pending["code"]), "confirmation", reading, pending.get("raw_text")
        )
    elif command == "confirm_no" and question is not None:
        _reask(turn, question)
    else:
        turn.ask_current()
