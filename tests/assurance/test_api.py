"""The API shows the derived status and review state, and lets a token client post progress to an action."""

from tests.api.conftest import responses_match_the_openapi_document  # noqa: F401 (checks every answer)
from tests.assurance.conftest import form_data, rec
from tests.assurance.test_journey import submit
from tests.conftest import DIRECTOR, HEAD, OWNER, VIEWER
from tracker.actions.models import ProgressUpdate
from tracker.auth.services import create_api_token, find_user
from tracker.extensions import db


def bearer(email: str) -> dict:
    return {"Authorization": "Bearer " + create_api_token(find_user(email), "test")}


def test_recommendation_json_has_status_and_review_state(client_for):
    submit(client_for(HEAD), 7)
    data = client_for(VIEWER).get(f"/api/v1/recommendations/{rec(7).id}").get_json()
    assert data["status"] == "submitted" and data["status_label"] == "Submitted for assurance"
    assert data["review"]["state"] == "submitted" and data["review"]["submissions"] == 1
    listing = client_for(VIEWER).get(f"/api/v1/inspections/{rec(7).inspection_id}/recommendations").get_json()
    by_number = {r["number"]: r for r in listing["recommendations"]}
    assert by_number[1]["review"] == {"state": "not_submitted", "submissions": 0}
    assert data["review"]["covering_note"] is None


def test_the_review_state_carries_the_covering_note(client_for):
    head = client_for(HEAD)
    page = head.get(f"/recommendations/{rec(7).id}/submit")
    head.post(
        f"/recommendations/{rec(7).id}/submit",
        data=form_data(page, "main form", covering_note="See page 2 of the plan."),
    )
    data = client_for(VIEWER).get(f"/api/v1/recommendations/{rec(7).id}").get_json()
    assert data["review"]["covering_note"] == "See page 2 of the plan."


def test_token_client_posts_a_progress_update(client):
    action = rec(1).actions[1]
    response = client.post(
        f"/api/v1/actions/{action.id}/updates",
        headers=bearer(OWNER),
        json={"narrative": "Round two of audits finished.", "status": "complete"},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["narrative"] == "Round two of audits finished." and body["status_to"] == "complete"
    db.session.expire_all()
    assert rec(1).actions[1].status == "complete"


def test_bad_input_forbidden_and_missing_are_json(client):
    action = rec(1).actions[1]
    url = f"/api/v1/actions/{action.id}/updates"
    empty = client.post(url, headers=bearer(OWNER), json={"narrative": " "})
    assert empty.status_code == 400 and "narrative is required" in empty.get_json()["error"]["message"]
    bad_status = client.post(url, headers=bearer(OWNER), json={"narrative": "x", "status": "done"})
    assert bad_status.status_code == 400 and "status must be one of" in bad_status.get_json()["error"]["message"]
    assert client.post(url, headers=bearer(OWNER), data="not json").status_code == 400
    forbidden = client.post(url, headers=bearer(DIRECTOR), json={"narrative": "x"})
    assert forbidden.status_code == 403 and forbidden.get_json()["error"]["status"] == 403
    missing = client.post("/api/v1/actions/999999/updates", headers=bearer(OWNER), json={"narrative": "x"})
    assert missing.status_code == 404 and missing.is_json
    assert db.session.query(ProgressUpdate).filter_by(narrative="x").count() == 0


def test_cookie_sessions_cannot_write_even_with_a_fake_bearer_header(client_for):
    owner = client_for(OWNER)
    action = rec(1).actions[1]
    url = f"/api/v1/actions/{action.id}/updates"
    assert owner.post(url, json={"narrative": "From a cookie."}).status_code == 403
    faked = owner.post(url, json={"narrative": "From a cookie."}, headers={"Authorization": "Bearer nonsense"})
    assert faked.status_code in (401, 403)
    assert db.session.query(ProgressUpdate).filter_by(narrative="From a cookie.").count() == 0
