"""The JSON API: bearer tokens or the session, the same facts and permissions as the pages."""

import pytest
from sqlalchemy import select

from tests.conftest import HEAD, VIEWER
from tracker.auth.services import create_api_token, create_user, find_user
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.services import find_pdu


@pytest.fixture
def token(app):
    with app.app_context():
        return create_api_token(find_user(VIEWER), "tests")


def get(client, url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, headers=headers)


def test_inspections_with_a_token_give_the_report_facts(client, token):
    response = get(client, "/api/v1/inspections", token)
    assert response.status_code == 200
    [inspection] = response.json["inspections"]
    assert inspection["pdu"] == "Barking, Dagenham and Havering"
    assert inspection["region"] == "London"
    assert (inspection["score"], inspection["score_max"]) == (5, 24)
    assert inspection["overall_rating"] == "Requires improvement"
    ratings = {s["code"]: s["rating"] for s in inspection["standards"]}
    assert ratings["2.2"] == "Inadequate" and ratings["2.4"] == "Requires improvement"
    percentages = {s["code"]: [q["percentage"] for q in s["key_questions"]] for s in inspection["standards"]}
    assert percentages["2.5"] == [53, 43, 38]
    assert inspection["outcomes"]["percentage"] == 26


def test_recommendations_list_addressees_and_status(client, token):
    inspection_id = get(client, "/api/v1/inspections", token).json["inspections"][0]["id"]
    recs = get(client, f"/api/v1/inspections/{inspection_id}/recommendations", token).json["recommendations"]
    assert [r["addressee"]["kind"] for r in recs] == ["pdu"] * 7 + ["region"] * 4 + ["hmpps"] * 2
    assert (
        recs[6]["text"] == "ensure the work environment promotes professional boundaries and inclusivity for all staff."
    )
    assert recs[3]["response_label"] == "Partly agreed"
    assert all("status_label" in r and isinstance(r["actions"], list) for r in recs)


def test_no_token_is_401_json(client):
    response = client.get("/api/v1/inspections")
    assert response.status_code == 401
    assert response.json["error"]["status"] == 401


def test_bad_token_is_401(client):
    assert get(client, "/api/v1/inspections", "trk_not-a-real-token").status_code == 401


def test_session_works_too(as_user):
    assert as_user(HEAD).get("/api/v1/inspections").json["inspections"][0]["score"] == 5


def test_same_permissions_as_pages(app, client):
    with app.app_context():
        user = create_user(
            "head.croydon@example.org", "Croydon Head", "x" * 16, [("head_of_pdu", find_pdu("Croydon").id)]
        )
        db.session.commit()
        token = create_api_token(user)
        inspection_id = db.session.scalar(select(Inspection.id))
    assert get(client, "/api/v1/inspections", token).json == {"inspections": []}
    # another PDU's inspection is not theirs to see: answered as if it did not exist, as the pages do
    response = get(client, f"/api/v1/inspections/{inspection_id}", token)
    assert response.status_code == 404
    assert response.json == get(client, "/api/v1/inspections/2147483000", token).json


def test_unknown_record_is_404_json(client, token):
    response = get(client, "/api/v1/recommendations/999999", token)
    assert response.status_code == 404 and response.is_json


def test_create_token_command_prints_a_working_token(app, client):
    result = app.test_cli_runner().invoke(args=["tracker", "create-token", VIEWER])
    assert result.exit_code == 0
    assert get(client, "/api/v1/inspections", result.output.strip()).status_code == 200
    missing = app.test_cli_runner().invoke(args=["tracker", "create-token", "nobody@example.org"])
    assert missing.exit_code != 0 and "No active user with the email address nobody@example.org" in missing.output
