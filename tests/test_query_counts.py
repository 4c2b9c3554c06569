"""The core pages and the API run the same number of SQL queries whatever the size of the data: counted on the
Barking demo alone, then again after adding data for more PDUs and inspections."""

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from tests.conftest import ADMIN, DEMO_TODAY, DIRECTOR, HEAD, HMPPS, OWNER, VIEWER
from tests.readiness.conftest import counting_queries
from tracker.auth.services import create_api_token, find_user
from tracker.demo.national import load_national
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.recommendations.models import Recommendation


def pages(inspection_id: int, rec_id: int, action_id: int) -> list[tuple[str, str]]:
    return [
        (HEAD, "/"),
        (DIRECTOR, "/"),
        (HMPPS, "/"),
        (OWNER, "/"),
        (VIEWER, "/"),
        (ADMIN, "/"),
        (DIRECTOR, "/inspections"),
        (HMPPS, "/inspections"),
        (HEAD, f"/inspections/{inspection_id}"),
        (DIRECTOR, f"/recommendations/{rec_id}"),
        (OWNER, f"/actions/{action_id}"),
        (DIRECTOR, "/reviews"),
        (DIRECTOR, "/api/v1/inspections"),
        (HMPPS, "/api/v1/inspections"),
        (HEAD, f"/api/v1/inspections/{inspection_id}/recommendations"),
        (HMPPS, "/api/v1/recommendations"),
        (DIRECTOR, "/api/v1/recommendations?region=London&limit=500"),
        (OWNER, "/actions?owner=me"),
        (HEAD, "/actions"),
        (HMPPS, "/actions?overdue=y&sort=owner"),
        (DIRECTOR, "/actions?mine=recommendations&status=open"),
        (HEAD, "/actions.csv?status=open"),
        (DIRECTOR, f"/actions?recommendation={rec_id}"),
        (DIRECTOR, "/recommendations?current=1&status=in_progress"),
        (HMPPS, "/recommendations?addressee=pdu"),
        (HEAD, f"/recommendations?inspection={inspection_id}"),
        (HEAD, "/recommendations?mine=1&page=2"),
        (HEAD, "/search?q=audit"),
        (HMPPS, "/search?q=risk+of+harm"),
        (OWNER, "/search?q=caseloads"),
    ]


def count(client, url: str, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with counting_queries() as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return len(statements)


def measure(as_user, targets) -> list[int]:
    return [count(as_user(email), url) for email, url in targets]


def test_core_pages_run_a_fixed_number_of_queries(app, as_user):
    inspection = db.session.scalar(select(Inspection).order_by(Inspection.id))
    rec = db.session.scalar(
        select(Recommendation).where(Recommendation.inspection_id == inspection.id, Recommendation.number == 1)
    )
    targets = pages(inspection.id, rec.id, rec.actions[0].id)
    before = measure(as_user, targets)
    load_national(DEMO_TODAY, pdus_per_region=4, inspections_per_pdu=2, updates_per_action=2)
    after = measure(as_user, targets)
    differences = {page: (b, a) for page, b, a in zip(targets, before, after, strict=True) if b != a}
    assert not differences, differences


def test_api_token_requests_cost_the_same_at_any_size(app, client, monkeypatch):
    # building the answer is what is measured: a repeat read from the cache would hide it
    monkeypatch.setitem(app.config, "CACHE_ENABLED", False)
    token = create_api_token(find_user(HMPPS))
    count(client, "/api/v1/inspections", token)  # the first use records when the token was last used
    measured_at = datetime.now(UTC)
    before = count(client, "/api/v1/inspections", token)
    load_national(DEMO_TODAY, pdus_per_region=4, inspections_per_pdu=2, updates_per_action=2)
    # the last use is written again once a minute has passed, and loading can take longer than that on a busy
    # machine: measured at the moment of the first measurement, the same writes are counted both times
    with time_machine.travel(measured_at, tick=False):
        after = count(client, "/api/v1/inspections", token)
    assert after == before
