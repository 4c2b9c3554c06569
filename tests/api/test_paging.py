"""The API's lists page with `limit` and a signed cursor, filter, and answer 304 while nothing has changed."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import DEMO_TODAY, HEAD, HMPPS, VIEWER
from tracker.auth.services import create_api_token, create_user, find_user
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.models import Organisation
from tracker.organisations.services import find_pdu
from tracker.recommendations.models import Recommendation


def token_for(email: str) -> str:
    return create_api_token(find_user(email), "tests")


def get(client, url: str, token: str, **headers):
    return client.get(url, headers={"Authorization": f"Bearer {token}", **headers})


def next_url(response) -> str | None:
    match = re.match(r'<([^>]+)>; rel="next"', response.headers.get("Link", ""))
    return match.group(1) if match else None


def walk(client, url: str, token: str, key: str) -> tuple[list[int], int]:
    """Every id on every page, following the Link headers; and the number of pages."""
    ids, pages = [], 0
    while url:
        response = get(client, url, token)
        assert response.status_code == 200, response.json
        ids += [item["id"] for item in response.json[key]]
        pages += 1
        url = next_url(response)
    return ids, pages


def test_every_recommendation_exactly_once_across_pages_of_national_data(national_app, client):
    token = token_for(HMPPS)
    expected = sorted(db.session.scalars(select(Recommendation.id)))
    assert len(expected) > 400
    ids, pages = walk(client, "/api/v1/recommendations?limit=37", token, "recommendations")
    assert ids == expected
    assert pages == -(-len(expected) // 37)


def test_every_inspection_exactly_once_with_the_default_limit(national_app, client):
    token = token_for(HMPPS)
    expected = sorted(db.session.scalars(select(Inspection.id)))
    assert len(expected) > 50
    first = get(client, "/api/v1/inspections", token)
    assert len(first.json["inspections"]) == 50 and next_url(first)
    ids, _ = walk(client, "/api/v1/inspections", token, "inspections")
    assert ids == expected


def test_the_last_page_has_no_next_link(app, client):
    response = get(client, "/api/v1/inspections", token_for(VIEWER))
    assert len(response.json["inspections"]) == 1 and "Link" not in response.headers


def test_a_head_of_another_pdu_sees_only_their_own_through_any_filter_or_cursor(national_app, client):
    hmpps = token_for(HMPPS)
    croydon = find_pdu("Croydon")
    own = set(db.session.scalars(select(Recommendation.id).join(Inspection).where(Inspection.pdu_id == croydon.id)))
    assert own
    user = create_user("second.head.croydon@example.org", "Croydon Head", "x" * 16, [("head_of_pdu", croydon.id)])
    db.session.commit()
    token = create_api_token(user)
    for query in (
        "",
        "?pdu=Barking%2C+Dagenham+and+Havering",
        "?region=London",
        "?status=in_progress",
        "?updated_since=2000-01-01",
    ):
        ids, _ = walk(client, f"/api/v1/recommendations{query}", token, "recommendations")
        assert set(ids) <= own
    assert set(walk(client, "/api/v1/recommendations?limit=5", token, "recommendations")[0]) == own
    # a cursor taken from someone who sees everything still shows only the caller's own
    cursor = re.search(r"cursor=([^&>]+)", get(client, "/api/v1/recommendations?limit=1", hmpps).headers["Link"])
    ids, _ = walk(client, f"/api/v1/recommendations?cursor={cursor.group(1)}", token, "recommendations")
    assert set(ids) <= own
    inspections, _ = walk(client, "/api/v1/inspections?region=London", token, "inspections")
    assert {i.pdu_id for i in map(lambda i: db.session.get(Inspection, i), inspections)} <= {croydon.id}


def test_filters_by_pdu_and_region_by_name_or_id(national_app, client):
    token = token_for(HMPPS)
    barking = find_pdu("Barking, Dagenham and Havering")
    for value in (barking.name, str(barking.id)):
        response = get(client, f"/api/v1/inspections?pdu={value}", token)
        assert {i["pdu"] for i in response.json["inspections"]} == {barking.name}
    wales = db.session.scalar(select(Organisation).where(Organisation.name == "Wales"))
    ids, _ = walk(client, f"/api/v1/inspections?region={wales.id}&limit=3", token, "inspections")
    in_wales = db.session.scalars(
        select(Inspection.id)
        .join(Organisation, Organisation.id == Inspection.pdu_id)
        .where(Organisation.parent_id == wales.id)
    )
    assert ids and ids == sorted(in_wales)
    response = get(client, "/api/v1/recommendations?region=London&limit=500", token)
    assert {r["owner"] for r in response.json["recommendations"]} and all(
        db.session.get(Recommendation, r["id"]).inspection.pdu.parent_id == barking.parent_id
        for r in response.json["recommendations"]
    )


def test_filters_by_status_on_every_page(national_app, client):
    token = token_for(HMPPS)
    counts = {}
    for status in ("not_started", "in_progress", "assured"):
        ids, _ = walk(client, f"/api/v1/recommendations?status={status}&limit=20", token, "recommendations")
        statuses = {get(client, f"/api/v1/recommendations/{i}", token).json["status"] for i in ids[:5]}
        assert statuses <= {status}
        counts[status] = len(ids)
    everything, _ = walk(client, "/api/v1/recommendations?limit=500", token, "recommendations")
    assert 0 < counts["in_progress"] < len(everything)


def test_filters_by_updated_since(app, client):
    token = token_for(HEAD)
    inspection_id = db.session.scalar(select(Inspection.id))
    url = f"/api/v1/inspections/{inspection_id}/recommendations"
    since = (utcnow() + timedelta(seconds=1)).isoformat()
    assert get(
        client,
        url,
        token,
    ).json["recommendations"]
    assert get(client, url + "?updated_since=" + since.replace("+", "%2B"), token).json == {"recommendations": []}
    rec = db.session.scalar(
        select(Recommendation).where(Recommendation.inspection_id == inspection_id).order_by(Recommendation.id.desc())
    )
    rec.actions[0].updated_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    response = get(client, url + "?updated_since=" + since.replace("+", "%2B"), token)
    assert [r["id"] for r in response.json["recommendations"]] == [rec.id]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=0", "limit must be a whole number from 1 to 500"),
        ("limit=501", "limit must be a whole number from 1 to 500"),
        ("limit=ten", "limit must be a whole number from 1 to 500"),
        ("cursor=not-ours", "cursor is not one this API gave out"),
        ("updated_since=last+week", "updated_since must be an ISO 8601 date"),
        ("status=lost", "status must be one of not_started"),
    ],
)
def test_bad_values_are_refused_with_a_message(app, client, query, message):
    response = get(client, f"/api/v1/recommendations?{query}", token_for(HMPPS))
    assert response.status_code == 400
    assert message in response.json["error"]["message"]


def test_a_tampered_cursor_is_refused(national_app, client):
    token = token_for(HMPPS)
    link = next_url(get(client, "/api/v1/inspections?limit=2", token))
    cursor = re.search(r"cursor=([^&]+)", link).group(1)
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    assert get(client, link.replace(cursor, tampered), token).status_code == 400
    assert get(client, link, token).status_code == 200


def test_304_while_unchanged_and_200_after_a_change(app, client):
    token = token_for(HEAD)
    first = get(client, "/api/v1/inspections", token)
    etag = first.headers["ETag"]
    again = get(client, "/api/v1/inspections", token, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    inspection = db.session.scalar(select(Inspection))
    inspection.confirmed_reinspection_on = DEMO_TODAY + timedelta(days=90)
    db.session.commit()
    changed = get(client, "/api/v1/inspections", token, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json["inspections"][0]["confirmed_reinspection_on"] == (DEMO_TODAY + timedelta(days=90)).isoformat()


def test_the_etag_belongs_to_the_caller_and_the_address(app, client):
    head, viewer = token_for(HEAD), token_for(VIEWER)
    etag = get(client, "/api/v1/inspections", head).headers["ETag"]
    assert get(client, "/api/v1/inspections", viewer, **{"If-None-Match": etag}).status_code == 200
    assert get(client, "/api/v1/inspections?limit=1", head, **{"If-None-Match": etag}).status_code == 200
    record = get(client, "/api/v1/inspections/" + str(db.session.scalar(select(Inspection.id))), head)
    assert record.headers["ETag"] != etag


def test_the_openapi_document_describes_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    routes = {
        re.sub(r"<(?:int:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    assert routes == set(document["paths"])
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 1
