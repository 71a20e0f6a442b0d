"""The analyst's review loop for coded topics: confirm with Enter or type a topic number."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from survey_flows.intents import TOPICS

Item = tuple[int, str, str, float | None]


def review(
    items: Iterable[Item], read_line: Callable[[str], str], write_line: Callable[[str], None]
) -> list[tuple[int, str]]:
    """Show each coded answer; return (id, topic) for every one the analyst decided on."""
    menu = "  ".join(f"{n}={topic.removeprefix('topic_')}" for n, topic in enumerate(TOPICS, 1))
    decisions: list[tuple[int, str]] = []
    for item_id, text, topic, confidence in items:
        sure = f" ({confidence:.2f})" if confidence is not None else ""
        write_line(f"\n{text}\n  coded: {topic}{sure}\n  {menu}")
        try:
            answer = _ask(read_line, write_line, len(TOPICS))
        except EOFError:
            break
        if answer == "q":
            break
        if answer == "s":
            continue
        decisions.append((item_id, TOPICS[int(answer) - 1] if answer else topic))
    return decisions


def _ask(read_line: Callable[[str], str], write_line: Callable[[str], None], topics: int) -> str:
    """Return "" (confirm), a topic number, "s" or "q"; ask again after anything else."""
    while True:
        answer = read_line("Enter to confirm, a number to correct, s to skip, q to quit: ")
        answer = answer.strip().lower()
        if answer in ("", "s", "q") or (answer.isdigit() and 1 <= int(answer) <= topics):
            return answer
        write_line(f"  {answer!r} is not a choice: press Enter, type 1-{topics}, s or q")
