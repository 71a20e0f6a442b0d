"""The simulator page in headless Chromium: a person taps through the survey in a browser."""

from __future__ import annotations

import pytest

from bot.models import Answer, Conversation

pytestmark = pytest.mark.browser


def test_a_person_starts_from_a_department_link_and_answers_with_buttons(live_app, page):
    app, url = live_app
    page.goto(f"{url}/simulator")
    page.select_option("#ref", "moh-princess-marina")
    page.click("#get-started")
    page.wait_for_selector("#replies button", timeout=15000)
    page.locator("#replies button").first.click()  # consent: yes
    page.get_by_role("button", name="English").click(timeout=15000)
    page.get_by_role("button", name="25-34").click(timeout=15000)  # age, asked first
    page.wait_for_selector("#replies button", timeout=15000)
    page.locator("#replies button").first.click()  # the first healthcare question
    page.wait_for_function("document.querySelectorAll('.msg.me').length >= 5", timeout=15000)
    page.wait_for_selector("#replies button", timeout=15000)

    with app.extensions["sessions"]() as session:
        conversation = session.query(Conversation).one()
        assert conversation.department == "moh-princess-marina" and conversation.is_test
        rows = session.query(Answer).order_by(Answer.id).all()
    assert [r.question_id for r in rows][:3] == ["consent", "language", "age_band"]
    assert rows[-1].service_area == "healthcare" and rows[-1].method == "button"


def test_a_person_completes_the_whole_survey_in_the_simulator(live_app, page):
    app, url = live_app
    page.goto(f"{url}/simulator")
    page.select_option("#ref", "dnrs-omang")
    page.click("#get-started")
    page.wait_for_selector("#replies button", timeout=15000)
    page.locator("#replies button").first.click()  # consent: yes
    page.get_by_role("button", name="English").click(timeout=15000)
    for _ in range(80):  # every question once, with room for a confirmation or two
        with app.extensions["sessions"]() as session:
            if session.query(Conversation).filter_by(status="completed").count():
                break
        buttons = page.locator("#replies button")
        try:
            buttons.first.wait_for(timeout=3000)
        except Exception:  # no buttons: the closing question wants typed text
            page.fill("#text", "Shorter queues at the Omang office")
            page.click("#composer button")
            page.wait_for_timeout(1500)
            continue
        count_before = page.locator(".msg.me").count()
        buttons.first.click()
        page.wait_for_function(
            f"document.querySelectorAll('.msg.me').length > {count_before}", timeout=15000
        )
    page.wait_for_selector("text=Thank you! Your answers", timeout=15000)
    with app.extensions["sessions"]() as session:
        conversation = session.query(Conversation).one()
        assert conversation.status == "completed" and conversation.is_test
        ids = [a.question_id for a in session.query(Answer).order_by(Answer.id)]
    assert ids[:3] == ["consent", "language", "age_band"] and ids[-1] == "improvement"
    assert {"gov_overall", "sex", "wg_communicating"} <= set(ids)
