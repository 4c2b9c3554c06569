"""`If-None-Match: *` is a 304 only for a resource that exists; names are one line of printable text."""

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN, HEAD, soup_of, text_of
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.auth.services import create_api_token, create_user, find_user
from tracker.extensions import db
from tracker.organisations.models import Organisation
from tracker.organisations.services import find_pdu, find_region
from tracker.recommendations.models import Recommendation
from tracker.text_limits import ControlCharacters


def api_get(client, url: str, **headers):
    token = create_api_token(find_user(HEAD), "tests")
    return client.get(url, headers={"Authorization": f"Bearer {token}", **headers})


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/recommendations/2147483000",
        "/api/v1/inspections/2147483000",
        "/api/v1/inspections/2147483000/recommendations",
        "/api/v1/no-such-thing",
    ],
)
def test_if_none_match_star_is_not_a_304_for_what_does_not_exist(app, client, url):
    response = api_get(client, url, **{"If-None-Match": "*"})
    assert response.status_code == 404


def test_if_none_match_star_is_a_304_for_what_exists_and_the_caller_may_see(app, client):
    rec = db.session.scalar(select(Recommendation).order_by(Recommendation.id))
    response = api_get(client, f"/api/v1/recommendations/{rec.id}", **{"If-None-Match": "*"})
    assert response.status_code == 304 and response.get_data() == b"" and response.headers["ETag"]
    assert api_get(client, f"/api/v1/recommendations/{rec.id}").status_code == 200


NAMES = [
    "Sam\r\nBcc: everyone@example.org",
    "Sam\nLambeth",
    "Sam\tLambeth",
    "Sam\x1bLambeth",
    "Sam\u2028Lambeth",
    "Sam\x85Lambeth",
]


@pytest.mark.parametrize("name", NAMES)
def test_a_persons_name_with_a_control_character_is_refused_with_a_form_error(as_user, name):
    users, events = db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(AuditEvent.id)))
    page = soup_of(
        as_user(ADMIN).post(
            "/admin/users/new",
            data={
                "name": name,
                "email": "sam.lambeth@example.org",
                "role": "head_of_pdu",
                "organisation_id": str(find_pdu("Lambeth").id),
            },
        )
    )
    assert "Full name must be on one line, without line breaks, tabs or other control characters" in text_of(
        page.select_one(".govuk-error-summary")
    )
    assert find_user("sam.lambeth@example.org") is None
    assert db.session.scalar(select(func.count(User.id))) == users
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events


@pytest.mark.parametrize("name", NAMES)
def test_an_organisation_name_with_a_control_character_is_refused_with_a_form_error(as_user, name):
    client = as_user(ADMIN)
    london = find_region("London")
    page = soup_of(
        client.post("/admin/organisations/new/pdu", data={"name": name, "parent_id": str(london.id), "is_active": "y"})
    )
    assert "Name must be on one line, without line breaks, tabs or other control characters" in text_of(
        page.select_one(".govuk-error-summary")
    )
    assert db.session.scalar(select(Organisation).where(Organisation.name == name)) is None
    lambeth = find_pdu("Lambeth")
    page = soup_of(
        client.post(
            f"/admin/organisations/{lambeth.id}/edit",
            data={"name": name, "parent_id": str(london.id), "is_active": "y"},
        )
    )
    assert "Name must be on one line" in text_of(page.select_one(".govuk-error-summary"))
    db.session.expire_all()
    assert db.session.get(Organisation, lambeth.id).name == "Lambeth"


def test_any_other_caller_saving_such_a_name_is_refused_before_it_is_written(app):
    with pytest.raises(ControlCharacters, match="Name must be on one line"):
        create_user("sam.lambeth@example.org", "Sam\r\nLambeth", None)
        db.session.flush()
    db.session.rollback()
    pdu = find_pdu("Lambeth")
    pdu.name = "Lambeth\nBcc: x"
    with pytest.raises(ControlCharacters):
        db.session.flush()
    db.session.rollback()


def test_the_refusal_reaches_an_api_caller_as_a_400_with_the_message(app):
    with app.test_request_context("/api/v1/recommendations", headers={"Accept": "application/json"}):
        response = app.make_response(app.handle_user_exception(ControlCharacters("Name must be on one line")))
        assert response.status_code == 400
        assert response.json["error"]["message"] == "Name must be on one line"
