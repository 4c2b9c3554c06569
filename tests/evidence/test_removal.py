"""Evidence and actions added by mistake can be removed, with the removal in the history; what has been
reviewed or worked on stays on the record."""

import io
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import DEMO_TODAY, HEAD, OWNER, VIEWER, date_fields, soup_of, text_of
from tracker.actions.models import Action
from tracker.auth.services import find_user
from tracker.demo.services import minimal_pdf
from tracker.evidence.models import Evidence
from tracker.evidence.services import stored_path
from tracker.extensions import db
from tracker.recommendations.models import Recommendation

IN_TWO_MONTHS = DEMO_TODAY + timedelta(days=60)


def recommendation(number: int) -> Recommendation:
    return db.session.scalar(select(Recommendation).where(Recommendation.number == number))


def owned_open_action() -> Action:
    owner = find_user(OWNER)
    return next(a for a in recommendation(1).actions if a.owner_id == owner.id and not a.is_complete)


def upload(client, action_id: int) -> Evidence:
    client.post(
        f"/actions/{action_id}/evidence/upload",
        content_type="multipart/form-data",
        data={"title": "Wrong file", "file": (io.BytesIO(minimal_pdf("oops")), "oops.pdf")},
    )
    return db.session.scalar(select(Evidence).order_by(Evidence.id.desc()))


def test_owner_removes_evidence_they_added_by_mistake(app, as_user):
    client = as_user(OWNER)
    action = owned_open_action()
    evidence = upload(client, action.id)
    evidence_id = evidence.id
    path = stored_path(evidence)
    assert path.exists()
    page = soup_of(client.get(f"/evidence/{evidence.id}/remove"))
    assert text_of(page.h1) == "Remove ‘Wrong file’"
    response = client.post(f"/evidence/{evidence.id}/remove")
    assert response.headers["Location"] == f"/actions/{action.id}"
    db.session.expire_all()
    assert db.session.get(Evidence, evidence_id) is None
    assert not path.exists()
    history = soup_of(as_user(HEAD).get(f"/recommendations/{action.recommendation_id}"))
    assert "Removed evidence 'Wrong file'" in text_of(history.select_one("#history-events"))


def test_reviewed_evidence_stays(app, as_user):
    from tracker.recommendations.models import ACCEPTED, EvidenceReview, Submission

    rec = recommendation(7)
    evidence = rec.evidence[0]
    # a returned round: the recommendation is no longer under review, but its evidence was reviewed
    submission = Submission(recommendation_id=rec.id, state="returned")
    db.session.add(submission)
    db.session.flush()
    db.session.add(EvidenceReview(submission_id=submission.id, evidence_id=evidence.id, decision=ACCEPTED))
    db.session.commit()
    client = as_user(HEAD)
    page = soup_of(client.get(f"/evidence/{evidence.id}/remove"))
    assert "reviewed for assurance" in text_of(page.select_one("#cannot-remove"))
    client.post(f"/evidence/{evidence.id}/remove")
    db.session.expire_all()
    assert db.session.get(Evidence, evidence.id) is not None


def test_viewer_cannot_remove_evidence(app, as_user):
    evidence_id = db.session.scalar(select(Evidence.id).order_by(Evidence.id))
    assert as_user(VIEWER).post(f"/evidence/{evidence_id}/remove").status_code == 403
    assert db.session.get(Evidence, evidence_id) is not None


def test_head_deletes_an_action_added_by_mistake(app, as_user):
    client = as_user(HEAD)
    rec = recommendation(3)
    response = client.post(
        f"/recommendations/{rec.id}/actions/new",
        data={
            "description": "Duplicate action",
            "owner_id": str(find_user(OWNER).id),
            "target_on": date_fields(IN_TWO_MONTHS),
        },
    )
    action_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = client.post(f"/actions/{action_id}/delete")
    assert response.headers["Location"] == f"/recommendations/{rec.id}"
    db.session.expire_all()
    assert db.session.get(Action, action_id) is None
    page = soup_of(client.get(f"/recommendations/{rec.id}"))
    assert "Deleted action: Duplicate action" in text_of(page.select_one("#history-events"))


def test_an_action_with_progress_cannot_be_deleted(app, as_user):
    action = owned_open_action()
    count = db.session.scalar(select(func.count()).select_from(Action))
    client = as_user(HEAD)
    page = soup_of(client.get(f"/actions/{action.id}/delete"))
    assert "cannot be deleted because it has progress updates" in text_of(page.select_one("#cannot-delete"))
    client.post(f"/actions/{action.id}/delete")
    assert db.session.scalar(select(func.count()).select_from(Action)) == count
