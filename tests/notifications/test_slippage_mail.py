"""A re-dated action is still reported as slipped in the reminder emails, with the date first agreed, and the
director's weekly digest counts the region's slipped actions."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD, OWNER
from tests.notifications.conftest import SCENARIO_DAY, run_day
from tracker.actions.models import Action
from tracker.actions.services import revise_target_date
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.templating import format_date

MONDAY = SCENARIO_DAY + timedelta(days=4)


def test_the_owner_is_told_the_action_has_slipped(app, smtp):
    action = db.session.scalar(select(Action).where(Action.description.startswith("Set a countersigning standard")))
    first_agreed = action.original_target_on
    # moved from 3 days ahead to 14: it now falls due in 14 days, and has slipped 11 days
    revise_target_date(find_user(HEAD), action, SCENARIO_DAY + timedelta(days=14), "Quality lead on leave.")
    run_day(app, SCENARIO_DAY)
    [owner] = smtp.to(OWNER)
    assert "Set a countersigning standard" in owner.text
    assert f"Slipped 11 days: first agreed for {format_date(first_agreed)}." in owner.text
    assert "Slipped 11 days" in owner.html


def test_the_directors_weekly_digest_counts_slipped_actions(app, smtp):
    action = db.session.scalar(select(Action).where(Action.description.startswith("Set a countersigning standard")))
    revise_target_date(find_user(HEAD), action, SCENARIO_DAY + timedelta(days=14), "Quality lead on leave.")
    run_day(app, MONDAY)
    digest = next(m for m in smtp.to(DIRECTOR) if "this week" in m.text.lower())
    slipped = sum(1 for a in db.session.scalars(select(Action)) if a.is_slipped)
    assert f"{slipped} action{'s' if slipped != 1 else ''} slipped." in digest.text
