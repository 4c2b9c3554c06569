"""A head of PDU adds an action, posts an update and revises its date with a reason; others see it all."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import DEMO_TODAY, DIRECTOR, HEAD, OWNER, VIEWER, date_fields, long_date, soup_of, text_of
from tracker.actions.models import Action, TargetDateRevision
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.recommendations.models import Recommendation

#: the target date actions are added with, and the date it moves to
FIRST = DEMO_TODAY + timedelta(days=50)
# within [actions] redate_limit_days of FIRST, so the head moves it without the director's agreement
LATER = DEMO_TODAY + timedelta(days=70)


@pytest.fixture
def rec(app):
    with app.app_context():
        return db.session.scalar(select(Recommendation.id).where(Recommendation.number == 3))


def add_action(client, rec_id, **overrides):
    with client.application.app_context():
        owner_id = find_user(OWNER).id
    data = {"description": "Weekly SPO case review clinic", "owner_id": str(owner_id), "target_on": date_fields(FIRST)}
    data.update(overrides)
    return client.post(f"/recommendations/{rec_id}/actions/new", data=data)


def test_head_of_pdu_works_an_action_end_to_end(app, as_user, rec):
    client = as_user(HEAD)
    response = add_action(client, rec)
    assert response.status_code == 302
    action_url = response.headers["Location"]

    client.post(action_url + "/updates/new", data={"narrative": "First two clinics held.", "status": "in_progress"})
    response = client.post(
        action_url + "/revise-date",
        data={"target_on": date_fields(LATER), "reason": "SPO recruitment delayed the clinic rota"},
    )
    assert response.status_code == 302

    page = soup_of(client.get(action_url))
    assert text_of(page.select_one("#target-date")) == long_date(LATER)
    assert text_of(page.select_one("#original-target-date")) == long_date(FIRST)
    assert "SPO recruitment delayed the clinic rota" in text_of(page.select_one("#revisions-table"))
    assert "First two clinics held." in text_of(page.select_one("#progress-updates"))

    director_page = soup_of(as_user(DIRECTOR).get(f"/recommendations/{rec}"))
    assert "Weekly SPO case review clinic" in text_of(director_page.select_one("#actions-table"))
    history = text_of(director_page.select_one("#history-events"))
    assert "Added action: Weekly SPO case review clinic" in history
    # each event names the action it was made to, since the history lists every action's
    assert (
        f"Target date of “Weekly SPO case review clinic” changed from {FIRST.isoformat()} to {LATER.isoformat()}: "
        "SPO recruitment delayed the clinic rota"
    ) in history
    assert "Posted a progress update on “Weekly SPO case review clinic”, status now In progress" in history
    assert "Chris Morgan" in history


def test_revised_date_without_reason_is_refused_and_changes_nothing(app, as_user, rec):
    client = as_user(HEAD)
    action_url = add_action(client, rec).headers["Location"]
    client.post(action_url + "/updates/new", data={"narrative": "Clinic booked"})
    page = soup_of(client.post(action_url + "/revise-date", data={"target_on": date_fields(LATER), "reason": " "}))
    errors = [text_of(a) for a in page.select(".govuk-error-summary__list a")]
    assert errors == ["Enter the reason for changing the target date"]
    with app.app_context():
        action_id = int(action_url.rsplit("/", 1)[1])
        assert db.session.get(Action, action_id).target_on == FIRST
        assert db.session.scalar(select(TargetDateRevision).where(TargetDateRevision.action_id == action_id)) is None


def test_empty_action_form_shows_every_error(as_user, rec):
    page = soup_of(as_user(HEAD).post(f"/recommendations/{rec}/actions/new", data={}))
    errors = [text_of(a) for a in page.select(".govuk-error-summary__list a")]
    assert "Enter what will be done" in errors
    assert any("target date" in e for e in errors)


def test_action_owner_can_post_updates_but_not_move_dates(app, as_user, rec):
    action_url = add_action(as_user(HEAD), rec).headers["Location"]
    client = as_user(OWNER)
    assert client.post(action_url + "/updates/new", data={"narrative": "Clinic booked"}).status_code == 302
    response = client.post(action_url + "/revise-date", data={"target_on": date_fields(LATER), "reason": "later"})
    assert response.status_code == 403


def test_viewer_changes_nothing(app, as_user, rec):
    with app.app_context():
        before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()))
    client = as_user(VIEWER)
    assert add_action(client, rec).status_code == 403
    assert client.post(f"/recommendations/{rec}/response", data={"response": "agreed"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc())) == before


def test_partly_agreed_response_needs_a_rationale(app, as_user, rec):
    client = as_user(HEAD)
    page = soup_of(
        client.post(
            f"/recommendations/{rec}/response", data={"response": "partly_agreed", "rationale": "", "lead_id": "0"}
        )
    )
    assert "Explain why the recommendation is not fully agreed" in text_of(page.select_one(".govuk-error-summary"))
    response = client.post(
        f"/recommendations/{rec}/response",
        data={"response": "partly_agreed", "rationale": "Countersigning depends on regional QA staff", "lead_id": "0"},
    )
    assert response.status_code == 302
    page = soup_of(client.get(f"/recommendations/{rec}"))
    assert "Partly agreed" in text_of(page.select_one("#response"))
    assert "Response set to Partly agreed" in text_of(page.select_one("#history-events"))


def test_another_pdus_head_cannot_touch_barking(app, as_user, rec):
    from tracker.auth.services import create_user
    from tracker.organisations.services import find_pdu

    with app.app_context():
        create_user("head.lambeth@example.org", "Lambeth Head", "x" * 16, [("head_of_pdu", find_pdu("Lambeth").id)])
        db.session.commit()
    client = as_user("head.lambeth@example.org")
    # Barking's recommendation is not theirs to see: answered as if it did not exist
    assert client.get(f"/recommendations/{rec}").status_code == 404
    assert add_action(client, rec).status_code == 404
