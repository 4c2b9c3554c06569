"""Every whole number a request carries is read one way (tracker.whole_numbers): ASCII digits, within what the
database holds. Numbers beyond 64 bits and digits other than 0 to 9 ("²", which str.isdigit() accepts and int()
refuses, and "٣", which int() reads as 3) are a 400 with a message from the API, and on pages a 404 or a filter
left out with a message saying so: never a server error."""

import pytest
from sqlalchemy import select

from tests.conftest import HEAD, HMPPS, soup_of, text_of
from tracker.auth.services import create_api_token, find_user
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.whole_numbers import MAX_BIGINT, MAX_ID, record_id, whole_number

HOSTILE_NUMBERS = ["99999999999999999999999", str(2**63), str(2**31), "²", "٣", "١٢", "1_000", " 7", "+7", "0x10"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("42", 42),
        (42, 42),
        (str(MAX_BIGINT), MAX_BIGINT),
        (str(MAX_BIGINT + 1), None),
        ("²", None),
        ("٣", None),
        ("1_000", None),
        (" 7", None),
        ("7\n", None),
        ("+7", None),
        ("-7", None),
        ("", None),
        (None, None),
        (True, None),
        (7.0, None),
        ("007", 7),
    ],
)
def test_whole_number_reads_ascii_digits_within_64_bits(value, expected):
    assert whole_number(value) == expected


def test_record_id_is_held_to_the_integer_id_columns():
    assert record_id(str(MAX_ID)) == MAX_ID
    assert record_id(str(MAX_ID + 1)) is None
    assert record_id("0") is None


@pytest.mark.parametrize("url", ["/api/v1/recommendations", "/api/v1/inspections"])
@pytest.mark.parametrize("name", ["pdu", "region"])
@pytest.mark.parametrize("value", ["99999999999999999999999", str(2**63), str(MAX_ID + 1), "²", "٣"])
def test_api_refuses_an_organisation_number_no_table_could_hold(app, client, url, name, value):
    token = create_api_token(find_user(HMPPS), "tests")
    response = client.get(url, query_string={name: value}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert (
        f"{name} must be an organisation's id, a whole number from 1 to {MAX_ID}" in response.json["error"]["message"]
    )


@pytest.mark.parametrize("url", ["/api/v1/recommendations", "/api/v1/inspections"])
@pytest.mark.parametrize("value", ["99999999999999999999999", str(2**63), "²", "٣", "1_0"])
def test_api_refuses_a_limit_that_is_not_ascii_digits_in_range(app, client, url, value):
    token = create_api_token(find_user(HMPPS), "tests")
    response = client.get(url, query_string={"limit": value}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert "limit must be a whole number from 1 to 500" in response.json["error"]["message"]


def test_api_still_filters_by_an_organisation_named_in_letters(app, client):
    token = create_api_token(find_user(HMPPS), "tests")
    response = client.get(
        "/api/v1/inspections",
        query_string={"region": "London", "limit": "５"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400  # a full-width digit is not a limit either
    response = client.get(
        "/api/v1/inspections", query_string={"region": "London"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200 and response.json["inspections"]


def error_summary(response) -> str:
    summary = soup_of(response).select_one(".govuk-error-summary")
    return text_of(summary) if summary else ""


def row_count(response) -> int:
    return len(soup_of(response).select("#main-content table tbody tr"))


@pytest.mark.parametrize(
    ("path", "name", "what"),
    [
        ("/actions", "recommendation", "recommendation"),
        ("/actions", "inspection", "inspection"),
        ("/recommendations", "inspection", "inspection"),
    ],
)
@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_a_list_filter_no_record_could_match_is_left_out_with_a_message(app, as_user, path, name, what, value):
    client = as_user(HEAD)
    unfiltered = client.get(path)
    response = client.get(path, query_string={name: value})
    assert response.status_code == 200
    assert (
        f"The {what} in this page's address is not one that exists, so the list is not filtered by {what}"
        in error_summary(response)
    )
    assert row_count(response) == row_count(unfiltered) > 0


@pytest.mark.parametrize("path", ["/actions", "/recommendations"])
@pytest.mark.parametrize("value", [*HOSTILE_NUMBERS, str(2**64), "-3"])
def test_a_page_number_that_is_not_a_number_shows_the_first_page(app, as_user, path, value):
    client = as_user(HEAD)
    first = client.get(path)
    response = client.get(path, query_string={"page": value})
    assert response.status_code == 200
    assert row_count(response) == row_count(first) > 0


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "٣"])
def test_an_owner_filter_no_one_could_have_is_refused_not_read(app, as_user, value):
    response = as_user(HEAD).get("/actions", query_string={"owner": value})
    assert response.status_code == 200
    assert "Not a valid choice" in error_summary(response)


def test_an_id_in_the_path_in_other_digits_is_a_404_not_another_record(app, as_user):
    rec = db.session.scalar(select(Recommendation).order_by(Recommendation.id))
    arabic = "".join(chr(0x660 + int(d)) for d in str(rec.id))
    client = as_user(HEAD)
    assert client.get(f"/recommendations/{rec.id}").status_code == 200
    assert client.get(f"/recommendations/{arabic}").status_code == 404
    assert client.get(f"/recommendations/{rec.id}²").status_code == 404


def test_a_search_with_a_nul_in_the_address_is_searched_without_it(app, as_user):
    rec = db.session.scalar(select(Recommendation).order_by(Recommendation.id))
    rec.text = f"{rec.text} zanzibarite"
    db.session.commit()
    response = as_user(HEAD).get("/search", query_string={"q": "\x00\x00zanzibarite"})
    assert response.status_code == 200
    assert [text_of(li) for li in soup_of(response).select('ul[data-kind="recommendations"] li')]
