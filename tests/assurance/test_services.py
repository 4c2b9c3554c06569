"""The queries other features call: the review queue (oldest first), evidence counts, and the status rules."""

from sqlalchemy import event, select

from tests.assurance.conftest import ASSURER, rec
from tests.conftest import DEMO_TODAY, DIRECTOR, HEAD, HMPPS
from tracker.assurance import services
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.recommendations.status import action_status, recommendation_status


def test_awaiting_review_is_oldest_first_and_excludes_own_submissions(app):
    services.submit_recommendation(find_user(HMPPS), rec(13))
    services.submit_recommendation(find_user(DIRECTOR), rec(9))
    services.submit_recommendation(find_user(HEAD), rec(7))
    assert [r.number for r in services.awaiting_review(find_user(ASSURER))] == [13, 9]
    assert [r.number for r in services.awaiting_review(find_user(HMPPS))] == [9]
    assert [r.number for r in services.awaiting_review(find_user(DIRECTOR))] == [7]
    assert services.awaiting_review(find_user(HEAD)) == []


def test_evidence_counts_in_one_query(app):
    services.submit_recommendation(find_user(HEAD), rec(7))
    first, second = rec(7).evidence
    services.decide_evidence(find_user(DIRECTOR), rec(7), first, "accepted", "")
    services.decide_evidence(find_user(DIRECTOR), rec(7), second, "rejected", "No attendance.")
    ids = [rec(7).id, rec(1).id, rec(4).id]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        counts = services.evidence_review_counts(ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    assert counts == {rec(7).id: (1, 2), rec(1).id: (0, 1), rec(4).id: (0, 0)}
    assert services.evidence_accepted_count(ids) == 1
    assert services.evidence_accepted_count(rec(7).inspection) == 1
    services.decide_evidence(find_user(DIRECTOR), rec(7), second, "accepted", "Changed my mind.")
    assert services.evidence_review_counts([rec(7).id]) == {rec(7).id: (2, 2)}


def test_status_follows_the_submission_and_lists_do_not_query_per_recommendation(app):
    assert recommendation_status(rec(7), DEMO_TODAY).key == "actions_complete"
    assert recommendation_status(rec(3), DEMO_TODAY).key == "in_progress"
    services.submit_recommendation(find_user(HEAD), rec(7))
    db.session.expire_all()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        recommendations = list(db.session.scalars(select(Recommendation).order_by(Recommendation.number)))
        statuses = {r.number: recommendation_status(r, DEMO_TODAY).key for r in recommendations}
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert statuses[7] == "submitted"
    # submissions are selectin-loaded: one query for every recommendation in the list, not one each
    assert len([sql for sql in statements if "FROM submissions" in sql]) == 1


def test_action_overdue_status(app):
    overdue = rec(6).actions[0]
    assert action_status(overdue, DEMO_TODAY).label == "Overdue"
    assert action_status(rec(7).actions[0], DEMO_TODAY).label == "Complete"
