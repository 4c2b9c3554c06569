"""Half a year of daily runs, as benchmarks/simulate_mail.py runs them, on the Barking demo and on national data
(one PDU a region, to keep it quick): every reminder stays under its reader's word limit (300 words for heads of
PDU and owners, 400 for directors and national leads), and no message names the same action or recommendation
twice. The longest message of each kind is printed (run with -s to read it). A list too long for the limit is cut,
with a link to the rest, and what was cut is told on a later day."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from benchmarks.simulate_mail import simulate_on_scratch
from tests.conftest import HEAD, OWNER
from tests.notifications.conftest import SCENARIO_DAY, run_day
from tracker.actions import services as actions
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.mail.models import OutboxMessage
from tracker.notifications.daily import OVERSEER_WORD_LIMIT, WORD_LIMIT
from tracker.recommendations.models import Recommendation


@pytest.mark.parametrize(
    "national",
    [None, {"pdus_per_region": 1, "inspections_per_pdu": 1, "updates_per_action": 1}],
    ids=["demo", "national"],
)
def test_half_a_year_of_reminders_stays_short_and_names_each_thing_once(national):
    figures = simulate_on_scratch(26, national)
    for limit, (words, subject, text) in sorted(figures["longest"].items()):
        print(f"\nThe longest message for a reader limited to {limit} words ({words} words), {subject!r}:\n{text}")
    assert figures["over"] == []
    assert figures["repeated"] == []
    # both kinds of reader were written to, and the lists were long enough to need cutting
    assert set(figures["longest"]) == {WORD_LIMIT, OVERSEER_WORD_LIMIT}
    assert figures["longest"][OVERSEER_WORD_LIMIT][0] > WORD_LIMIT


def test_a_long_list_is_cut_with_a_link_to_the_rest_and_what_is_cut_is_told_later(app, smtp):
    head, owner = find_user(HEAD), find_user(OWNER)
    recommendation = db.session.scalar(select(Recommendation).where(Recommendation.number == 3))
    new = [
        actions.create_action(
            head,
            recommendation,
            f"Audit the casework of team {n + 1} against the countersigning standard, and report on it",
            owner.id,
            SCENARIO_DAY + timedelta(days=14),
        )
        for n in range(12)
    ]
    db.session.commit()
    run_day(app, SCENARIO_DAY)

    [received] = smtp.to(OWNER)
    assert len(received.text.split()) < WORD_LIMIT
    listed = [n for n in range(12) if f"team {n + 1} against" in received.text]
    assert 0 < len(listed) < 12
    left = 12 - len(listed)
    assert f"- And {left} more actions: http://tracker.test/actions?owner=me" in received.text
    html = BeautifulSoup(received.html, "lxml")
    assert html.select_one("a[href='http://tracker.test/actions?owner=me']").get_text() == f"And {left} more actions"
    # only what was shown counts as told: the rest is still to come
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == owner.id))
    shown = {new[n].id for n in listed}
    assert set(message.action_ids) & {action.id for action in new} == shown
