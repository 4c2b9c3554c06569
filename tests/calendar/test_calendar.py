"""Rules that must hold on any day the suite is run as of: the date matrix (`scripts/date-matrix`) runs these with
TEST_TODAY set to weekdays, weekends, bank holidays, the days after the clock changes, the year's end and a leap day.

Two weeks of scheduled runs from the declared day, through a real SMTP server: nothing goes on a weekend or an
English bank holiday (taken from the `holidays` package, not from tracker's own settings), a day run twice sends
nothing new, and every message queued is delivered once."""

from collections import Counter
from datetime import timedelta

import holidays
from sqlalchemy import func, select

from tests.conftest import DEMO_TODAY
from tests.notifications.conftest import run_day
from tracker.db_types import today
from tracker.extensions import db
from tracker.mail.models import SENT, OutboxMessage

FORTNIGHT = [DEMO_TODAY + timedelta(days=n) for n in range(14)]
ENGLISH_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years={d.year for d in FORTNIGHT})


def is_working_day(day) -> bool:
    return day.weekday() < 5 and day not in ENGLISH_BANK_HOLIDAYS


def test_the_suite_runs_on_its_declared_day():
    assert today() == DEMO_TODAY


def test_a_fortnight_of_runs_sends_only_on_working_days_and_each_message_once(app, smtp):
    sent_on: Counter = Counter()
    for day in FORTNIGHT:
        before = len(smtp.received)
        run_day(app, day)
        sent_on[day] = len(smtp.received) - before
        again = run_day(app, day)
        assert all(outcome.queued == [] for outcome in again), f"{day}: a second run queued more"

    assert {day for day, count in sent_on.items() if count and not is_working_day(day)} == set()
    assert sum(sent_on.values()) == len(smtp.received)
    assert any(sent_on[day] for day in FORTNIGHT if is_working_day(day)), "two weeks of the demo plan sent nothing"
    statuses = Counter(db.session.scalars(select(OutboxMessage.status)))
    assert statuses == Counter({SENT: len(smtp.received)})
    assert db.session.scalar(select(func.count(func.distinct(OutboxMessage.key)))) == len(smtp.received)
