"""A day the scheduler missed is caught up on the next run, once: the job-run ledger knows which days ran."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import OWNER
from tests.notifications.conftest import SCENARIO_DAY, run_day
from tracker.actions.models import Action
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.jobs.models import JobRun
from tracker.recommendations.models import Recommendation

MONDAY = SCENARIO_DAY + timedelta(days=4)
TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
THURSDAY = MONDAY + timedelta(days=3)


def action_due_14_days_after_tuesday() -> None:
    recommendation = db.session.scalar(select(Recommendation).where(Recommendation.number == 2))
    target = TUESDAY + timedelta(days=14)
    db.session.add(
        Action(
            recommendation=recommendation,
            description="Audit every case allocated in November",
            target_on=target,
            original_target_on=target,
            owner_id=find_user(OWNER).id,
        )
    )
    db.session.commit()


def mentions(smtp) -> list[str]:
    return [r.subject for r in smtp.to(OWNER) if "Audit every case allocated in November" in r.text]


def test_a_missed_tuesday_is_caught_up_on_wednesday_once(app, smtp):
    action_due_14_days_after_tuesday()
    run_day(app, MONDAY)
    assert mentions(smtp) == []
    # the scheduler is down on Tuesday: nothing runs

    run_day(app, WEDNESDAY)
    run_day(app, WEDNESDAY)
    run_day(app, THURSDAY)

    assert len(mentions(smtp)) == 1
    wednesday = [r for r in smtp.to(OWNER) if "Audit every case" in r.text][0]
    assert "due in 13 days" in wednesday.text
    ran = sorted(db.session.scalars(select(JobRun.as_of).where(JobRun.job == "reminders")).unique())
    assert ran == [MONDAY, WEDNESDAY, THURSDAY]


def test_without_a_missed_day_wednesday_does_not_repeat_tuesday(app, smtp):
    action_due_14_days_after_tuesday()
    run_day(app, MONDAY)
    run_day(app, TUESDAY)
    run_day(app, WEDNESDAY)

    assert len(mentions(smtp)) == 1
    assert "due in 14 days" in [r for r in smtp.to(OWNER) if "Audit every case" in r.text][0].text
