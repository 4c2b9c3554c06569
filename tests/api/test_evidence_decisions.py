"""A reviewer decides on evidence through the API by the review page's rules: their role, their independence, an
open submission, a reason for a rejection; each decision audited, every answer as the OpenAPI document says."""

from sqlalchemy import select

from tests.assurance.conftest import rec
from tests.conftest import DIRECTOR, HEAD, OWNER
from tracker.assurance.services import submit_recommendation
from tracker.audit.models import AuditEvent
from tracker.auth.services import create_api_token, find_user
from tracker.extensions import db
from tracker.recommendations.models import ACCEPTED, REJECTED, EvidenceReview


def bearer(email: str) -> dict:
    return {"Authorization": "Bearer " + create_api_token(find_user(email), "test")}


def submitted(number: int):
    recommendation = rec(number)
    submit_recommendation(find_user(HEAD), recommendation)
    return recommendation


def decisions() -> list[EvidenceReview]:
    return db.session.scalars(select(EvidenceReview).order_by(EvidenceReview.id)).all()


def test_the_director_accepts_and_rejects_evidence_and_each_decision_is_audited(app, client):
    recommendation = submitted(7)
    first, second = recommendation.evidence[:2]
    headers = bearer(DIRECTOR)
    accepted = client.post(f"/api/v1/evidence/{first.id}/decision", headers=headers, json={"decision": ACCEPTED})
    rejected = client.post(
        f"/api/v1/evidence/{second.id}/decision",
        headers=headers,
        json={"decision": REJECTED, "comment": "The minutes are not signed"},
    )
    assert accepted.status_code == 201 and accepted.json["decision"] == ACCEPTED
    assert rejected.status_code == 201 and rejected.json["comment"] == "The minutes are not signed"
    assert [(d.evidence_id, d.decision, d.reviewed_by.email) for d in decisions()] == [
        (first.id, ACCEPTED, DIRECTOR),
        (second.id, REJECTED, DIRECTOR),
    ]
    summaries = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.entity_type == "evidence_review")).all()
    assert any("The minutes are not signed" in s for s in summaries) and len(summaries) == 2


def test_a_rejection_without_a_reason_and_an_unknown_decision_save_nothing(app, client):
    item = submitted(7).evidence[0]
    headers = bearer(DIRECTOR)
    bare = client.post(f"/api/v1/evidence/{item.id}/decision", headers=headers, json={"decision": REJECTED})
    odd = client.post(f"/api/v1/evidence/{item.id}/decision", headers=headers, json={"decision": "maybe"})
    assert bare.status_code == 400 and "Explain why" in bare.json["error"]["message"]
    assert odd.status_code == 400 and "accepted, rejected" in odd.json["error"]["message"]
    assert decisions() == []


def test_only_an_independent_reviewer_decides_and_only_while_it_awaits_review(app, client):
    item = rec(7).evidence[0]
    url = f"/api/v1/evidence/{item.id}/decision"
    waiting = client.post(url, headers=bearer(DIRECTOR), json={"decision": ACCEPTED})
    assert waiting.status_code == 409 and "not waiting for review" in waiting.json["error"]["message"]
    submitted(7)
    # the head of PDU owns it and the action owner works on it: neither reviews it
    assert client.post(url, headers=bearer(HEAD), json={"decision": ACCEPTED}).status_code == 403
    assert client.post(url, headers=bearer(OWNER), json={"decision": ACCEPTED}).status_code in (403, 404)
    assert client.post(url, json={"decision": ACCEPTED}).status_code in (401, 403)
    assert (
        client.post(
            "/api/v1/evidence/999999/decision", headers=bearer(DIRECTOR), json={"decision": ACCEPTED}
        ).status_code
        == 404
    )
    assert decisions() == []


def test_a_decision_that_is_not_text_is_refused_plainly(app, client):
    item = submitted(7).evidence[0]
    for body in ({"decision": []}, {"decision": {"x": 1}}, {"decision": "accepted", "comment": 5}, ["accepted"]):
        response = client.post(f"/api/v1/evidence/{item.id}/decision", headers=bearer(DIRECTOR), json=body)
        assert response.status_code == 400, body
    assert decisions() == []
