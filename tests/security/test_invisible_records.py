# ruff: noqa: F811 (the matrix's `ids` fixture is imported, then requested by name)
"""Someone who may not see a record is answered as if it did not exist: a 404, on pages and in the API, for
reading and for writing, the same as for an id nobody has. A 403 would tell a head of one PDU which recommendation,
inspection, action and evidence ids another PDU holds. (A 403 stays for what a person can see but not change.)"""

import re

import pytest

from tests.conftest import OWNER, sign_in_as
from tests.matrix import MATRIX
from tests.test_permissions import ids  # noqa: F401
from tracker.auth.services import create_api_token, create_user, find_user
from tracker.extensions import db
from tracker.organisations.services import find_pdu

STRANGER = "head.lambeth@example.org"
#: the placeholders that name a Barking record, which a head of Lambeth may not see
RECORD_PLACEHOLDERS = {
    "inspection",
    "rec_pdu",
    "rec_region",
    "rec_hmpps",
    "rec_ready",
    "rec_region_ready",
    "action_owned",
    "update_owned",
    "evidence_file",
    "action_pdu_5",
    "dependency",
}


def record_endpoints(app) -> list[str]:
    """Every route in the matrix whose address names a Barking record and that checks the record it loads."""
    return sorted(
        endpoint
        for endpoint, (template, _) in MATRIX.items()
        if set(re.findall(r"{(\w+)}", template)) & RECORD_PLACEHOLDERS
        and getattr(app.view_functions.get(endpoint), "permission", None) == "record"
    )


@pytest.fixture
def stranger(app):
    create_user(STRANGER, "Lee Lambeth", None, [("head_of_pdu", find_pdu("Lambeth").id)])
    db.session.commit()
    return find_user(STRANGER)


def test_every_record_route_answers_a_head_of_another_pdu_as_if_the_record_did_not_exist(app, ids, stranger):
    endpoints = record_endpoints(app)
    assert len(endpoints) > 30
    token = create_api_token(stranger, "tests")
    wrong = []
    for endpoint in endpoints:
        template, methods = MATRIX[endpoint]
        for method in methods:
            client = app.test_client()
            if template.startswith("/api/") and method == "POST":
                client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            else:
                sign_in_as(client, STRANGER)
            with client.open(template.format(**ids), method=method, data={}) as response:
                if response.status_code != 404:
                    wrong.append(f"{method} {endpoint}: {response.status_code}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("kind", ["inspection", "rec_pdu", "action_owned", "evidence_file"])
def test_the_api_answers_another_pdus_record_exactly_as_a_missing_one(app, client, ids, stranger, kind):
    token = create_api_token(stranger, "tests")
    paths = {
        "inspection": "/api/v1/inspections/{}",
        "rec_pdu": "/api/v1/recommendations/{}",
        "action_owned": "/actions/{}",
        "evidence_file": "/evidence/{}/download",
    }
    path = paths[kind]
    headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
    if not headers:
        sign_in_as(client, STRANGER)
    theirs = client.get(path.format(ids[kind]), headers=headers)
    missing = client.get(path.format(2147483000), headers=headers)
    assert theirs.status_code == missing.status_code == 404
    if headers:
        assert theirs.json == missing.json


def test_someone_who_can_see_a_record_but_not_change_it_is_still_told_so(app, ids, as_user):
    client = as_user(OWNER)
    assert client.get(f"/actions/{ids['action_owned']}").status_code == 200
    assert client.get(f"/actions/{ids['action_owned']}/edit").status_code == 403
