"""The home page tells each person what needs their attention, and nothing that does not."""

import time_machine

from tests.conftest import DEMO_TODAY, DIRECTOR, HEAD, OWNER, VIEWER, soup_of, text_of


def rows(page, table_id):
    table = page.select_one(f"#{table_id}")
    return [text_of(row) for row in table.select("tbody tr")] if table else []


@time_machine.travel(DEMO_TODAY.isoformat() + " 09:00 +0000", tick=False)
def test_action_owner_sees_overdue_and_due_soon_actions(as_user):
    page = soup_of(as_user(OWNER).get("/"))
    assert text_of(page.h1) == "Hello, Taylor Okafor"
    overdue = rows(page, "overdue-actions")
    assert any("Cap PQiP learners' caseloads" in row for row in overdue)
    due_soon = rows(page, "due-soon-actions")
    assert any("countersigning standard" in row for row in due_soon)
    assert any("monthly risk of harm case audits" in row for row in due_soon)
    assert not any("Cap PQiP" in row for row in due_soon)
    assert rows(page, "my-recommendations") == []


@time_machine.travel(DEMO_TODAY.isoformat() + " 09:00 +0000", tick=False)
def test_head_of_pdu_sees_the_pdu_recommendations_they_own(as_user):
    page = soup_of(as_user(HEAD).get("/"))
    numbers = [row.split(" ")[0] for row in rows(page, "my-recommendations")]
    assert numbers == [str(n) for n in range(1, 8)]
    assert any("domestic abuse call-out process" in row for row in rows(page, "overdue-actions"))


@time_machine.travel(DEMO_TODAY.isoformat() + " 09:00 +0000", tick=False)
def test_regional_director_owns_the_region_recommendations(as_user):
    page = soup_of(as_user(DIRECTOR).get("/"))
    numbers = [row.split(" ")[0] for row in rows(page, "my-recommendations")]
    assert numbers == ["8", "9", "10", "11"]


def test_viewer_owns_nothing(as_user):
    page = soup_of(as_user(VIEWER).get("/"))
    assert rows(page, "my-recommendations") == []
    assert rows(page, "overdue-actions") == []


def test_assured_recommendations_leave_the_owners_list(app, as_user):
    from sqlalchemy import select

    from tracker.assurance.models import ASSURED, Submission
    from tracker.extensions import db
    from tracker.recommendations.models import Recommendation

    rec = db.session.scalar(select(Recommendation).where(Recommendation.number == 7))
    db.session.add(Submission(recommendation_id=rec.id, state=ASSURED))
    db.session.commit()
    numbers = [row.split(" ")[0] for row in rows(soup_of(as_user(HEAD).get("/")), "my-recommendations")]
    assert numbers == [str(n) for n in range(1, 7)]


def test_a_national_lead_sees_the_first_recommendations_and_a_way_to_the_rest(app, as_user):
    from tests.conftest import HMPPS
    from tracker.demo.national import load_national
    from tracker.pages.services import HOME_LIMIT

    load_national(DEMO_TODAY, pdus_per_region=2, inspections_per_pdu=2, updates_per_action=1)
    page = soup_of(as_user(HMPPS).get("/"))
    assert len(rows(page, "my-recommendations")) == HOME_LIMIT
    caption = text_of(page.select_one("#my-recommendations caption"))
    total = int(caption.split("(")[1].rstrip(")"))
    assert total > HOME_LIMIT
    assert f"Showing the first {HOME_LIMIT} of {total}." in text_of(page.select_one("#more-recommendations"))
