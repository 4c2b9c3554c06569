"""One set of text limits, held whoever saves the text: the API, a service called directly, or a page."""

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN, OWNER, soup_of, text_of
from tracker.actions import services as actions
from tracker.actions.models import Action, ProgressUpdate
from tracker.audit.models import AuditEvent
from tracker.auth.services import create_api_token, find_user
from tracker.extensions import db
from tracker.organisations.models import Organisation
from tracker.organisations.services import save_organisation
from tracker.text_limits import LONG_TEXT, NAME, TEXT_COLUMNS, TextTooLong


def counts(action) -> tuple[int, int]:
    updates = db.session.scalar(select(func.count(ProgressUpdate.id)).where(ProgressUpdate.action_id == action.id))
    return updates, db.session.scalar(select(func.count(AuditEvent.id)))


@pytest.fixture
def api_action(app):
    owner = find_user(OWNER)
    action = db.session.scalar(select(Action).where(Action.owner_id == owner.id, Action.status != "complete"))
    return action, {"Authorization": f"Bearer {create_api_token(owner)}"}


def test_the_api_refuses_a_narrative_over_the_forms_limit_and_saves_nothing(client, api_action):
    action, headers = api_action
    before = counts(action)
    response = client.post(f"/api/v1/actions/{action.id}/updates", json={"narrative": "x" * 5_000_000}, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == (
        "Narrative must be 5,000 characters or fewer. Nothing was saved."
    )
    assert counts(action) == before
    page = client.get(f"/api/v1/recommendations/{action.recommendation_id}", headers=headers)
    assert len(page.data) < 100_000


def test_the_api_accepts_a_narrative_exactly_at_the_limit(client, api_action):
    action, headers = api_action
    response = client.post(f"/api/v1/actions/{action.id}/updates", json={"narrative": "y" * LONG_TEXT}, headers=headers)
    assert response.status_code == 201 and len(response.get_json()["narrative"]) == LONG_TEXT


def test_services_enforce_the_limits_for_every_caller(app):
    owner = find_user(OWNER)
    action = db.session.scalar(select(Action).where(Action.owner_id == owner.id, Action.status != "complete"))
    with pytest.raises(TextTooLong, match="Narrative must be 5,000"):
        actions.post_update(owner, action, "z" * (LONG_TEXT + 1))
    db.session.rollback()
    region = db.session.scalar(select(Organisation).where(Organisation.kind == "region"))
    # SQLite would store an over-long VARCHAR silently; the limit is the column's own length.
    with pytest.raises(TextTooLong, match="Name must be 200"):
        save_organisation(find_user(ADMIN), None, "pdu", "n" * (NAME + 1), region.id, True)


def test_a_page_whose_service_refuses_text_shows_a_styled_400(app, as_user, monkeypatch):
    """A form that forgot its Length validator still cannot save too much: the styled page names the field."""
    from tracker.organisations import forms

    monkeypatch.setattr(forms.OrganisationForm.name.kwargs["validators"][1], "max", 10_000)
    client = as_user(ADMIN)
    region = db.session.scalar(select(Organisation).where(Organisation.kind == "region"))
    response = client.post("/admin/organisations/new/pdu", data={"name": "p" * 300, "parent_id": region.id})
    assert response.status_code == 400
    assert "Name must be 200 characters or fewer" in text_of(soup_of(response).select_one("main"))


def test_every_limited_text_column_exists():
    tables = db.metadata.tables
    for key in TEXT_COLUMNS:
        table, column = key.split(".")
        assert column in tables[table].c, key
