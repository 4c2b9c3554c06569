"""Ids no database can hold, and JSON values of the wrong type or not valid text: a 400 or 404, never a 500."""

import pytest
from flask import url_for
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from tests.conftest import ADMIN, OWNER, soup_of, text_of
from tracker.actions.models import Action, ProgressUpdate
from tracker.auth.services import create_api_token, find_user
from tracker.extensions import db
from tracker.routing import MAX_ID

HUGE = 99999999999999999999  # above 2**63 - 1


def rules_with_ids(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]


def huge_url(app, rule) -> str:
    values = {
        name: HUGE if isinstance(converter, IntegerConverter) else sorted(getattr(converter, "items", ["x"]))[0]
        for name, converter in rule._converters.items()
    }
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def test_every_route_with_an_id_answers_404_for_an_id_too_large_to_store(app, as_user):
    client = as_user(ADMIN)
    rules = rules_with_ids(app)
    assert len(rules) > 20
    for rule in rules:
        url = huge_url(app, rule)
        method = "get" if "GET" in rule.methods else "post"
        response = getattr(client, method)(url)
        assert response.status_code == 404, (url, response.status_code)
        if not url.startswith("/api/"):
            assert text_of(soup_of(response).select_one("h1")) == "Page not found"


@pytest.mark.parametrize("record_id", [MAX_ID, MAX_ID + 1, 2**63 - 1, 2**63])
def test_ids_at_the_edges_of_the_column_types_are_an_ordinary_404(as_user, record_id):
    for url in (f"/recommendations/{record_id}", f"/api/v1/recommendations/{record_id}"):
        response = as_user(ADMIN).get(url)
        assert response.status_code == 404, url


@pytest.fixture
def owner_action(app):
    owner = find_user(OWNER)
    action = db.session.scalar(select(Action).where(Action.owner_id == owner.id, Action.status != "complete"))
    return action, {"Authorization": f"Bearer {create_api_token(owner)}"}


def update_count(action) -> int:
    return db.session.scalar(select(func.count(ProgressUpdate.id)).where(ProgressUpdate.action_id == action.id))


@pytest.mark.parametrize("status", [["complete"], {"a": 1}, 3, True])
def test_api_status_of_the_wrong_type_is_a_400(client, owner_action, status):
    action, headers = owner_action
    before = update_count(action)
    response = client.post(
        f"/api/v1/actions/{action.id}/updates", json={"narrative": "Done", "status": status}, headers=headers
    )
    assert response.status_code == 400
    assert "status must be one of" in response.get_json()["error"]["message"]
    assert update_count(action) == before


@pytest.mark.parametrize("body", ['{"narrative": "half \\ud800 pair"}', '{"narrative": "ok", "\\udfff": 1}'])
def test_a_lone_surrogate_is_refused_with_a_400(client, owner_action, body):
    action, headers = owner_action
    before = update_count(action)
    response = client.post(
        f"/api/v1/actions/{action.id}/updates", data=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "not valid text" in response.get_json()["error"]["message"]
    assert update_count(action) == before
