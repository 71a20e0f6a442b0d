"""Chat with a flow in a terminal, as a flow author checking wording and routing would.

The buttons under the last message are numbered: typing a number taps that button, anything
else is sent as typed text (read by the same classifier the bot uses). Each recorded answer
is shown with its code and how it was understood, so routing can be checked by eye. Nothing
is stored. An empty line at the prompt, end of input or "/quit" ends the session.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from survey_flows import engine
from survey_flows.definition import Flow
from survey_flows.ports import Classifier
from survey_flows.step import AnswerRecorded, Input, QuickReply, Say, StartContext, Step

QUIT = "/quit"


def show(step: Step, write_line: Callable[[str], None],
         buttons: tuple[QuickReply, ...] = ()) -> tuple[QuickReply, ...]:  # fmt: skip
    """Print a step's messages and recorded answers; return the buttons now on screen."""
    for event in step.events:
        if isinstance(event, Say):
            write_line(f"bot> {event.text}")
            buttons = event.quick_replies
            for number, reply in enumerate(buttons, 1):
                write_line(f"  [{number}] {reply.title}")
        elif isinstance(event, AnswerRecorded):
            shown = event.code if event.value is None else event.value
            write_line(
                f"  (recorded {event.question_id} = {shown} {event.label or ''}, by {event.method})"
            )
        else:
            write_line(f"  ({type(event).__name__})")
    return buttons


def as_input(line: str, buttons: tuple[QuickReply, ...], at: datetime) -> Input:
    """Turn what the author typed into a button tap (its number) or typed text."""
    typed = line.strip()
    if typed.isdigit() and 1 <= int(typed) <= len(buttons):
        return Input(at=at, payload=buttons[int(typed) - 1].payload)
    return Input(at=at, text=typed)


def run(flow: Flow, classifier: Classifier, read_line: Callable[[str], str],
        write_line: Callable[[str], None], ctx: StartContext) -> dict[str, object]:  # fmt: skip
    """Run the conversation until it ends or the author quits; return the final state."""
    write_line(
        f"{flow.id} {flow.version}: type a button's number or any answer; "
        f"{QUIT} or an empty line ends."
    )
    step = engine.start(flow, ctx)
    buttons = show(step, write_line)
    at = ctx.now
    while step.state.get("status") in ("active", "stopped"):
        try:
            line = read_line("you> ")
        except EOFError:
            break
        if not line.strip() or line.strip() == QUIT:
            break
        at += timedelta(seconds=1)  # each turn a moment later, so paradata stays ordered
        step = engine.resume(flow, step.state, as_input(line, buttons, at), classifier)
        buttons = show(step, write_line, buttons)
    write_line(
        f"-- {step.state.get('status')}; {len(step.state.get('answers', {}))} coded "
        "answers in this session (nothing was stored)"
    )
    return step.state
