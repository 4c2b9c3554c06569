"""Evidence belongs somewhere: uploading on a recommendation asks which action it is for, lists say which action
and what the reviewer decided, blockers link to where they are fixed, and Remove and Delete appear only where
they will work."""

import io

from sqlalchemy import select

from tests.conftest import HEAD, soup_of, text_of
from tracker.actions.models import Action
from tracker.assurance.services import missing_for_submission
from tracker.demo.services import minimal_pdf
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.recommendations.models import ACCEPTED, REJECTED, EvidenceReview, Recommendation, Submission


def recommendation(number: int) -> Recommendation:
    return db.session.scalar(select(Recommendation).where(Recommendation.number == number))


def upload(client, rec_id: int, **extra):
    return client.post(
        f"/recommendations/{rec_id}/evidence/upload",
        content_type="multipart/form-data",
        data={"title": "Audit", "file": (io.BytesIO(minimal_pdf("audit")), "audit.pdf"), **extra},
    )


def newest() -> Evidence:
    return db.session.scalar(select(Evidence).order_by(Evidence.id.desc()))


def test_upload_on_a_recommendation_asks_which_action_and_keeps_the_answer(app, as_user):
    client = as_user(HEAD)
    rec = recommendation(1)
    page = soup_of(client.get(f"/recommendations/{rec.id}/evidence/upload"))
    legend = page.select_one("fieldset legend")
    assert "Which action is this evidence for?" in text_of(legend)
    choices = [text_of(label) for label in page.select("input[name=for_action] + label")]
    assert choices == [a.description for a in rec.actions] + ["The recommendation as a whole"]
    refused = soup_of(upload(client, rec.id))
    assert "Select which action this evidence is for" in text_of(refused.select_one(".govuk-error-summary"))
    action = rec.actions[-1]
    assert upload(client, rec.id, for_action=str(action.id)).status_code == 302
    assert newest().action_id == action.id
    assert upload(client, rec.id, for_action="recommendation").status_code == 302
    assert newest().action_id is None and newest().recommendation_id == rec.id


def test_evidence_for_an_action_clears_its_no_evidence_blocker(app, as_user):
    rec = recommendation(3)
    bare = [a for a in rec.actions if not a.evidence]
    assert bare
    action = bare[0]
    assert any("has no evidence" in m and action.description[:30] in m for m in missing_for_submission(rec))
    upload(as_user(HEAD), rec.id, for_action=str(action.id))
    db.session.expire_all()
    rec = recommendation(3)
    assert not any("has no evidence" in m and action.description[:30] in m for m in missing_for_submission(rec))


def test_an_action_id_from_another_recommendation_is_refused(app, as_user):
    other = recommendation(2).actions[0]
    rec = recommendation(1)
    page = soup_of(upload(as_user(HEAD), rec.id, for_action=str(other.id)))
    assert page.select_one(".govuk-error-summary") is not None
    assert newest() is None or newest().title != "Audit"


def test_lists_show_the_action_and_the_decision_and_remove_only_where_it_works(app, as_user):
    rec = recommendation(7)
    accepted, *rest = rec.evidence
    submission = Submission(recommendation_id=rec.id, state="returned")
    db.session.add(submission)
    db.session.flush()
    db.session.add(EvidenceReview(submission_id=submission.id, evidence_id=accepted.id, decision=ACCEPTED))
    if rest:
        db.session.add(
            EvidenceReview(submission_id=submission.id, evidence_id=rest[0].id, decision=REJECTED, comment="Not dated")
        )
    db.session.commit()
    page = soup_of(as_user(HEAD).get(f"/recommendations/{rec.id}"))
    item = page.select_one(f'#recommendation-evidence li[data-evidence-id="{accepted.id}"]')
    assert "Accepted" in text_of(item.select_one(".tracker-evidence-decision"))
    assert text_of(item.select_one(".tracker-evidence-for")).startswith("For ")
    assert not [a for a in item.select("a") if text_of(a).startswith("Remove")]
    if rest:
        rejected = page.select_one(f'#recommendation-evidence li[data-evidence-id="{rest[0].id}"]')
        assert "Rejected Not dated" in text_of(rejected.select_one(".tracker-evidence-decision"))
    if accepted.action_id:
        action_page = soup_of(as_user(HEAD).get(f"/actions/{accepted.action_id}"))
        assert "Accepted" in text_of(action_page.select_one(".tracker-evidence-decision"))


def test_delete_this_action_appears_only_where_it_will_work(app, as_user):
    client = as_user(HEAD)
    worked_on = db.session.scalar(select(Action).where(Action.updates.any()).order_by(Action.id))
    page = soup_of(client.get(f"/actions/{worked_on.id}"))
    assert not [a for a in page.select("a") if text_of(a) == "Delete this action"]
    fresh = Action(
        recommendation_id=recommendation(3).id,
        description="New",
        owner_id=worked_on.owner_id,
        target_on=worked_on.target_on,
        original_target_on=worked_on.target_on,
    )
    db.session.add(fresh)
    db.session.commit()
    page = soup_of(client.get(f"/actions/{fresh.id}"))
    assert [a for a in page.select("a") if text_of(a) == "Delete this action"]


def test_submission_blockers_link_to_where_they_are_fixed(app, as_user):
    rec = recommendation(3)
    page = soup_of(as_user(HEAD).get(f"/recommendations/{rec.id}"))
    links = page.select("#submission-missing li a")
    assert links
    assert all(a["href"].startswith("/actions/") for a in links)
    assert any(a["href"].endswith("/evidence/upload") for a in links)
