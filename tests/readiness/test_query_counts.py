"""Every readiness page and dashboard runs the same number of SQL queries whatever the size of the data:
counted on the Barking demo alone, then again after adding multi-PDU national data and an audit round."""

from sqlalchemy import select

from tests.conftest import DEMO_TODAY, DIRECTOR, HEAD, HMPPS, OWNER, VIEWER
from tests.readiness.conftest import AUDIT_COUNTS, counting_queries, round_form
from tracker.demo.national import load_national
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.services import find_region


def pages(barking_id: int, other_id: int, london_id: int) -> list[tuple[str, str]]:
    return [
        (DIRECTOR, "/dashboard"),
        (HMPPS, "/dashboard"),
        (VIEWER, "/dashboard"),
        (HEAD, "/dashboard"),
        (OWNER, "/dashboard"),
        (HMPPS, f"/dashboard/regions/{london_id}"),
        (DIRECTOR, "/dashboard?sort=score"),
        (HMPPS, "/dashboard?status=in_progress&owner=pdu&due_by=1&due_by=6&due_by=2027"),
        (HEAD, f"/inspections/{barking_id}/readiness"),
        (HEAD, f"/inspections/{barking_id}/readiness/print"),
        (HEAD, f"/inspections/{barking_id}/action-plan.xlsx"),
        (HEAD, f"/inspections/{barking_id}/action-plan.csv"),
        (HMPPS, f"/inspections/{other_id}/readiness"),
        (HMPPS, f"/inspections/{other_id}/readiness/print"),
        (HMPPS, f"/inspections/{other_id}/action-plan.csv"),
    ]


def count(as_user, email: str, url: str) -> int:
    client = as_user(email)
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, (email, url)
    return len(statements)


def test_query_counts_do_not_grow_with_the_data(as_user, inspection):
    london = find_region("London").id
    # Before: only Barking, no audit round; the "other inspection" pages are Barking's too.
    before = [count(as_user, email, url) for email, url in pages(inspection.id, inspection.id, london)]
    load_national(DEMO_TODAY, pdus_per_region=3, inspections_per_pdu=2, updates_per_action=3)
    as_user(HEAD).post(
        f"/inspections/{inspection.id}/audit-rounds/new", data=round_form(inspection, counts=AUDIT_COUNTS)
    )
    other = db.session.scalar(select(Inspection.id).order_by(Inspection.id.desc()))
    after_pages = pages(inspection.id, other, london)
    after = [count(as_user, email, url) for email, url in after_pages]
    differences = {page: (b, a) for page, b, a in zip(after_pages, before, after, strict=True) if b != a}
    assert not differences, differences
    assert max(after) < 30
