"""One record per interview, through the real webhook, worker, database and analytics.

The people below tap through Messenger; the published indicator table is then checked
against figures worked out by hand from what each person's final answers mean:

- A rates healthcare badly, types "restart" and then says they needed no care: A is not in
  the healthcare base at all (the abandoned ratings are kept but superseded).
- B needed care and rates it well, on the same day as A.
- C rates healthcare well in a complete interview, then 400 days later is interviewed again,
  rates it badly and breaks off: only the later interview is C's record.
- D is under 18: screened out, no respondent, one tally in the completion figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
from click.testing import CliRunner

from analytics.commands import make_group
from analytics.load import Period, database_chunks, load_conversations
from analytics.tidy import collect
from bot.models import Answer, Conversation, Decline, Respondent
from tests.support.person import Person, _clock

HEALTH = "moh-princess-marina"  # a healthcare department: the healthcare block comes first
HC_ATTRIBUTES = (
    "accessibility",
    "affordability",
    "quality_of_facilities",
    "equal_treatment",
    "courtesy_of_staff",
    "overall",
)
DAY_MS = 86_400_000


class ShiftedPerson(Person):
    """A person whose messages carry Meta timestamps shifted by some days."""

    def __init__(self, *args, days: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.days = days

    def _send(self, item: dict, process: bool = True) -> None:
        from tests.bot.conftest import run_worker

        item.update(
            sender={"id": self.psid},
            recipient={"id": self.page},
            timestamp=next(_clock) + self.days * DAY_MS,
        )
        body = {"object": "page", "entry": [{"id": self.page, "time": 0, "messaging": [item]}]}
        assert self.post(body).status_code == 200
        if process:
            run_worker(self.app)


Chooser = Callable[[str, list[dict]], dict]


def first(_qid: str, options: list[dict]) -> dict:
    return options[0]


def bad_healthcare(qid: str, options: list[dict]) -> dict:
    """The worst rating on healthcare's rating items; otherwise the first button."""
    lowest = [o for o in options if o["payload"].endswith(":0")]
    return lowest[0] if qid.startswith("hc_") and lowest else options[0]


def no_care(qid: str, options: list[dict]) -> dict:
    return (
        next(o for o in options if o["payload"] == "A:hc_need:2")
        if qid == "hc_need"
        else (options[0])
    )


def status(person: Person) -> str:
    with person.app.extensions["sessions"]() as session:
        conversation = (
            session.query(Conversation)
            .join(Respondent)
            .filter(Respondent.psid == person.psid)
            .order_by(Conversation.id.desc())
            .first()
        )
        return conversation.status if conversation else "none"


def drive(person: Person, choose: Chooser, until: str | None = None) -> None:
    """Tap the chosen buttons (typing the free-text answer) up to ``until`` or the end."""
    for _ in range(200):
        if until is not None and until in person.tapped:
            return
        options = person.buttons()
        if not options:
            if status(person) != "active":
                return
            person.type("Shorter queues at the clinic")
            continue
        qid = re.fullmatch(r"A:(\w+):\d+", options[0]["payload"])
        assert qid, f"no answer buttons after: {person.last_text()!r}"
        chosen = choose(qid.group(1), options)
        person.tap(chosen["title"])
    raise AssertionError("the survey did not end")


def indicators(app, tmp_path, *period: str) -> pd.DataFrame:
    group = make_group(lambda: app.extensions["db_engine"])
    out = tmp_path / f"indicators{len(period)}.csv"
    args = ["indicators", "--out", str(out), "--min-cell", "1", "--by", "sex", *period]
    result = CliRunner().invoke(group, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    return table


def national(table: pd.DataFrame, area: str) -> dict[str, tuple[int, float]]:
    rows = table[(table["service_area"] == area) & (table["dimension"] == "total")]
    return {
        r.attribute: (int(r.n_valid), round(float(r.percent), 2))
        for r in rows.itertuples()
        if r.attribute in HC_ATTRIBUTES
    }


def test_published_tables_count_one_routed_record_per_interview(
    app, signed_post, graph, db, tmp_path
):
    # A: bad ratings, restart, then "no care needed".
    a = ShiftedPerson(app, signed_post, graph, "psid-restarter", days=-1)
    a.open_link(HEALTH)
    drive(a, bad_healthcare, until="hc_overall")
    a.type("restart")
    assert "How old are you?" in a.last_text()
    a.tapped.clear()
    drive(a, no_care)
    # B: needed care, rates it well, completes.
    b = ShiftedPerson(app, signed_post, graph, "psid-satisfied", days=-1)
    b.open_link(HEALTH)
    drive(b, first)
    # C: a complete, well-rated interview; 400 days later a bad one (the webhook takes no
    # timestamp from the future, so the earlier interview is moved into the past).
    c_then = ShiftedPerson(app, signed_post, graph, "psid-twice", days=-400)
    c_then.open_link(HEALTH)
    drive(c_then, first)
    c_now = Person(app, signed_post, graph, "psid-twice")
    c_now.open_link(HEALTH)
    assert "agree to take part" in c_now.last_text()  # a new interview, not "already done"
    drive(c_now, bad_healthcare, until="hc_overall")
    # D: under 18.
    d = Person(app, signed_post, graph, "psid-minor")
    d.open_link(HEALTH)
    d.tap("Yes")
    d.tap("English")
    d.tap("Under 18")
    assert "18 and over" in d.last_text()

    db.rollback()
    superseded = db.query(Answer).filter(Answer.superseded_at.is_not(None)).all()
    assert {x.question_id for x in superseded} >= {"hc_need", "hc_overall", "age_band"}
    assert not {x.question_id for x in superseded} & {"consent", "language"}
    assert db.query(Respondent).filter(Respondent.psid == "psid-minor").count() == 0
    [tally] = db.query(Decline).all()
    assert (tally.reason, tally.department) == ("screened_out", HEALTH)

    # Oracle for the day of A and B only: A needed no care, B rated every item well.
    a_key = db.query(Respondent).filter(Respondent.psid == "psid-restarter").one().key
    day = min(x.answered_at for x in db.query(Answer).filter(Answer.respondent_key == a_key))
    one_day = national(
        indicators(app, tmp_path, "--from", f"{day:%Y-%m-%d}", "--to", f"{day:%Y-%m-%d}"),
        "healthcare",
    )
    assert one_day == dict.fromkeys(HC_ATTRIBUTES, (1, 100.0))

    # Oracle for all data: B well; C's latest interview badly; A off the healthcare path.
    everything = national(indicators(app, tmp_path), "healthcare")
    assert everything == dict.fromkeys(HC_ATTRIBUTES, (2, 50.0))

    # The respondents are A, B and C, each with one interview's answers; D is nobody.
    data = collect(database_chunks(app.extensions["db_engine"], Period()), Period())
    assert len(data) == 3
    c_key = db.query(Respondent).filter(Respondent.psid == "psid-twice").one().key
    c_record = data.codes.loc[c_key]
    assert c_record["hc_overall"] == 0
    answered_later = [
        q for q in c_record.index if q.startswith(("ed_", "gov_")) and c_record[q] >= 0
    ]
    assert answered_later == []  # not a merge with the first interview, which answered them
    outcomes = load_conversations(app.extensions["db_engine"], Period())["status"]
    assert outcomes.value_counts().get("screened_out") == 1
