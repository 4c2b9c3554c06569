"""The regional director's weekly digest and the readiness summaries before re-inspection."""

from datetime import UTC, datetime, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import ADMIN, DIRECTOR, HEAD, HMPPS, OWNER
from tests.notifications.conftest import SCENARIO_DAY, run_day
from tracker.audit.services import record_event
from tracker.auth.models import HMPPS_LEAD, RoleAssignment, User
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.recommendations.models import Recommendation

MONDAY = SCENARIO_DAY + timedelta(days=4)
#: re-inspection is expected 120 days after the demo's day; 90 days before falls at a weekend and
#: bank holidays, so the summary goes on the next working day
READINESS_DAY = SCENARIO_DAY + timedelta(days=33)


def hmpps_leads() -> list[str]:
    query = select(User.email).join(RoleAssignment).where(RoleAssignment.role == HMPPS_LEAD)
    return list(db.session.scalars(query))


def inspection() -> Inspection:
    return db.session.scalar(select(Inspection))


def test_director_digest_on_monday(app, smtp):
    rec = db.session.scalar(select(Recommendation).where(Recommendation.number == 4))
    event = record_event(None, "recommendation", rec.id, "update",
                         "Lead changed on recommendation 4 for the digest test", recommendation_id=rec.id)
    event.occurred_at = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    db.session.commit()

    run_day(app, MONDAY)

    digests = [r for r in smtp.to(DIRECTOR) if "weekly digest" in r.subject]
    assert len(digests) == 1
    digest = digests[0]
    assert digest.subject.startswith("Tracker weekly digest for London region: 4 actions overdue")
    assert "Barking, Dagenham and Havering PDU" in digest.text
    assert "Recommendations by status:" in digest.text
    assert "- In progress: " in digest.text
    assert "Cap PQiP learners' caseloads" in digest.text
    assert "Lead changed on recommendation 4 for the digest test" in digest.text
    assert f"http://tracker.test/inspections/{inspection().id}" in digest.text
    html = BeautifulSoup(digest.html, "html.parser")
    assert [c.get_text(" ", strip=True).split(" (")[0] for c in html.select("caption")][:2] == [
        "Recommendations by status", "Overdue actions"]
    assert all(th.get("scope") in ("col", "row") for th in html.select("th"))
    for other in (HEAD, OWNER, HMPPS, ADMIN):
        assert not [r for r in smtp.to(other) if "weekly digest" in r.subject]


def test_no_digest_on_other_days(app, smtp):
    run_day(app, SCENARIO_DAY)
    assert not [r for r in smtp.received if "weekly digest" in r.subject]


def test_readiness_summary_to_head_director_and_hmpps_lead(app, smtp):
    run_day(app, READINESS_DAY)

    summaries = [r for r in smtp.received if "readiness summary" in r.subject]
    assert HMPPS in hmpps_leads()
    assert sorted(r.to[0] for r in summaries) == sorted([HEAD, DIRECTOR, *hmpps_leads()])
    summary = next(r for r in summaries if r.to == [HEAD])
    assert summary.subject == ("Tracker: readiness summary for Barking, Dagenham and Havering PDU, "
                               "re-inspection in 87 days: 7 actions overdue")
    assert "Dear Chris Morgan" in summary.text
    assert "This is the 90-day summary" in summary.text
    assert "Recommendation 6: In progress. Actions complete: 0 of 1." in summary.text
    assert "Recommendation 7: Actions complete. Actions complete: 2 of 2. Evidence accepted:" in summary.text
    assert "WHAT MUST STILL HAPPEN BEFORE 26 MARCH 2027" in summary.text
    assert "Complete “Map intervention gaps" in summary.text
    html = BeautifulSoup(summary.html, "html.parser")
    rows = html.select("table tbody tr")
    assert len(rows) == 13
    assert rows[0].select_one("th[scope=row] a")["href"].startswith("http://tracker.test/recommendations/")


def test_each_lead_time_is_sent_once(app, smtp):
    run_day(app, READINESS_DAY)
    run_day(app, READINESS_DAY + timedelta(days=1))
    recipients = 2 + len(hmpps_leads())
    assert len([r for r in smtp.received if "readiness summary" in r.subject]) == recipients

    run_day(app, SCENARIO_DAY + timedelta(days=60))  # Monday 25 January: 60 days to go
    sixty = [r for r in smtp.received if "in 60 days" in r.subject]
    assert len(sixty) == recipients and "This is the 60-day summary" in sixty[0].text
