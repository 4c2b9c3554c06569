"""The readiness page's "What must still happen" task list: every kind of item a director chases, each named and
linked to the page where it is done."""

from datetime import timedelta
from urllib.parse import urlparse

from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD, long_date, soup_of, text_of
from tracker.actions.models import Action, ActionDependency
from tracker.extensions import db
from tracker.readiness.tasks import is_slipped
from tracker.recommendations.models import RETURNED, SUBMITTED, Recommendation, Submission


def rec(inspection, number: int) -> Recommendation:
    return db.session.scalar(
        select(Recommendation).where(Recommendation.inspection_id == inspection.id, Recommendation.number == number)
    )


def chase_list(inspection):
    """On the Barking demo: 7 is ready to submit as it stands; 9 is returned, 13 submitted and not yet reviewed;
    an action of 1 slips a month; the action of 3 waits on the unfinished action of 8."""
    db.session.add(
        Submission(
            recommendation=rec(inspection, 9),
            state=RETURNED,
            decision_reason="The audit report does not cover the second half of the year.",
        )
    )
    db.session.add(Submission(recommendation=rec(inspection, 13), state=SUBMITTED))
    slipped = next(a for a in rec(inspection, 1).actions if not a.is_complete)
    slipped.target_on = slipped.original_target_on + timedelta(days=31)
    blocked, blocker = rec(inspection, 3).actions[0], rec(inspection, 8).actions[0]
    db.session.add(ActionDependency(action=blocked, blocker=blocker))
    db.session.commit()
    return slipped, blocked


def task(page, kind: str, text: str):
    items = [li for li in page.select(f"#must-happen li.tracker-task--{kind}") if text in text_of(li)]
    assert len(items) == 1, (kind, text, [text_of(li) for li in page.select("#must-happen li")])
    return items[0]


def test_the_task_list_names_each_kind_of_item_with_a_working_link(as_user, inspection):
    slipped, blocked = chase_list(inspection)
    client = as_user(DIRECTOR)
    page = soup_of(client.get(f"/inspections/{inspection.id}/readiness"))
    assert page.select_one("ul.govuk-task-list#must-happen") is not None
    expected = [
        ("returned", "resubmit recommendation 9", "Returned", f"/recommendations/{rec(inspection, 9).id}"),
        (
            "ready",
            "Submit recommendation 7 for assurance",
            "Ready to submit",
            f"/recommendations/{rec(inspection, 7).id}",
        ),
        (
            "awaiting_review",
            "Review the evidence for recommendation 13: 1 item awaiting review",
            "Awaiting review",
            f"/recommendations/{rec(inspection, 13).id}",
        ),
        (
            "slipped",
            f"to its revised date, {long_date(slipped.target_on)}, "
            f"slipped from {long_date(slipped.original_target_on)}",
            "Slipped",
            f"/actions/{slipped.id}",
        ),
        ("blocked", "Unblock the action for recommendation 3", "Blocked", f"/actions/{blocked.id}"),
    ]
    for kind, text, tag, path in expected:
        li = task(page, kind, text)
        assert text_of(li.select_one(".govuk-task-list__status .govuk-tag")) == tag
        link = li.select_one("a.govuk-task-list__link")
        assert urlparse(link["href"]).path == path
        assert client.get(link["href"]).status_code == 200, link["href"]
    returned = task(page, "returned", "recommendation 9")
    assert "does not cover the second half of the year" in text_of(returned.select_one(".govuk-task-list__hint"))
    assert "recommendation 8" in text_of(task(page, "blocked", "recommendation 3"))
    # a recommendation already submitted or returned is not also offered for submission
    assert not [
        li
        for li in page.select("#must-happen li.tracker-task--ready")
        if "recommendation 9 " in text_of(li) or "recommendation 13 " in text_of(li)
    ]


def test_a_finished_blocker_or_a_kept_date_is_not_chased(as_user, inspection):
    slipped, blocked = chase_list(inspection)
    for action in rec(inspection, 8).actions:
        action.status = "complete"
    slipped.target_on = slipped.original_target_on
    db.session.commit()
    assert not is_slipped(db.session.get(Action, slipped.id))
    page = soup_of(as_user(HEAD).get(f"/inspections/{inspection.id}/readiness"))
    assert not [li for li in page.select("#must-happen li.tracker-task--blocked") if "recommendation 3" in text_of(li)]
    assert not page.select("#must-happen li.tracker-task--slipped")
