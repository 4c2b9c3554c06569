"""The region's week in a director's Monday message, and readiness summaries on milestone days, inside
the one message a person gets that day."""

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD, HMPPS, OWNER, soup_of, text_of
from tests.notifications.conftest import SCENARIO_DAY, run_day
from tracker.audit.services import record_event
from tracker.auth.models import HMPPS_LEAD, RoleAssignment, User
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.readiness.summary import readiness_for
from tracker.recommendations.models import Recommendation
from tracker.recommendations.status import recommendation_status

MONDAY = SCENARIO_DAY + timedelta(days=4)
#: re-inspection is expected 120 days after the demo's day, 26 March 2027; 90 days before falls on Saturday
#: 26 December, a bank holiday weekend, so the summary goes on the working day before: Thursday 24 December
READINESS_DAY = SCENARIO_DAY + timedelta(days=28)


def hmpps_leads() -> list[str]:
    query = select(User.email).join(RoleAssignment).where(RoleAssignment.role == HMPPS_LEAD)
    return list(db.session.scalars(query))


def inspection() -> Inspection:
    return db.session.scalar(select(Inspection))


def test_directors_monday_message_holds_the_regions_week(app, smtp):
    rec = db.session.scalar(select(Recommendation).where(Recommendation.number == 4))
    event = record_event(
        None,
        "recommendation",
        rec.id,
        "update",
        "Lead changed on recommendation 4 for the digest test",
        recommendation_id=rec.id,
    )
    event.occurred_at = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    db.session.commit()

    run_day(app, MONDAY)

    director = smtp.to(DIRECTOR)
    assert len(director) == 1
    text = director[0].text.split("LONDON REGION THIS WEEK")[1]
    assert "Barking, Dagenham and Havering PDU: " in text and "4 actions overdue" in text
    assert re.search(r"\d+ changes in the last 7 days", text)
    # changes are counted, not copied from the audit log
    assert "Lead changed on recommendation 4" not in director[0].text
    assert f"http://tracker.test/inspections/{inspection().id}" in text
    html = BeautifulSoup(director[0].html, "lxml")
    assert "London region this week" in [h.get_text() for h in html.select("h2")]
    for other in (HEAD, OWNER, HMPPS):
        assert all("THIS WEEK" not in r.text for r in smtp.to(other))


def test_no_regions_week_on_other_days(app, smtp):
    run_day(app, SCENARIO_DAY)
    assert not [r for r in smtp.received if "REGION THIS WEEK" in r.text]


def test_readiness_summary_in_the_days_one_message(app, smtp):
    run_day(app, READINESS_DAY)

    summaries = [r for r in smtp.received if "readiness summary" in r.subject]
    assert HMPPS in hmpps_leads()
    assert sorted(r.to[0] for r in summaries) == sorted([HEAD, DIRECTOR, *hmpps_leads()])
    assert len(smtp.to(HEAD)) == 1 and len(smtp.to(DIRECTOR)) == 1
    summary = smtp.to(HEAD)[0]
    text = summary.text
    assert "Dear Chris Morgan" in text
    assert "READINESS FOR RE-INSPECTION: BARKING, DAGENHAM AND HAVERING PDU" in text
    assert "in 92 days (90-day summary)" in text
    assert f"Readiness page: http://tracker.test/inspections/{inspection().id}/readiness" in text
    # the recommendations counted by status, not listed one by one: the readiness page lists them
    statuses = Counter(recommendation_status(rec, READINESS_DAY).label.lower() for rec in inspection().recommendations)
    counted = text.split("Recommendations: ")[1].split(".")[0]
    assert sorted(counted.split(", ")) == sorted(f"{count} {label}" for label, count in statuses.items())
    must_happen = readiness_for(inspection(), READINESS_DAY).must_happen
    assert f"{len(must_happen)} things must still happen, each on the readiness page." in text
    assert not any(step in text for step in must_happen)
    html = BeautifulSoup(summary.html, "lxml")
    captions = [caption.get_text() for caption in html.select("table caption")]
    assert "Recommendations" not in captions and "Projected ratings" not in captions  # no audit yet
    assert html.select_one(f"a[href='http://tracker.test/inspections/{inspection().id}/readiness']")


def test_each_lead_time_is_sent_once(app, smtp):
    run_day(app, READINESS_DAY)
    run_day(app, READINESS_DAY + timedelta(days=5))
    recipients = 2 + len(hmpps_leads())
    assert len([r for r in smtp.received if "readiness summary" in r.subject]) == recipients

    run_day(app, SCENARIO_DAY + timedelta(days=60))  # Monday 25 January: 60 days to go
    sixty = [r for r in smtp.received if "(60-day summary)" in r.text]
    assert len(sixty) == recipients


def test_readiness_summary_carries_the_readiness_pages_own_projection(app, smtp, as_user):
    from tests.readiness.conftest import AUDIT_COUNTS, AUDIT_SAMPLES, round_form

    client = as_user(HEAD)
    barking = inspection()
    client.post(
        f"/inspections/{barking.id}/audit-rounds/new",
        data=round_form(barking, counts=AUDIT_COUNTS, samples=AUDIT_SAMPLES, self_ratings={"1.1": "Good"}),
    )
    page = soup_of(client.get(f"/inspections/{barking.id}/readiness"))

    run_day(app, READINESS_DAY)

    text = smtp.to(HEAD)[0].text.split("READINESS FOR RE-INSPECTION")[1]
    overall = text_of(page.select_one("#projection-overall td[data-round], #projection-overall td:last-child"))
    assert f"Projected overall rating: {overall} (score " in text
    assert "from the internal case audit of 12 November 2026" in text
    for row in page.select("#projection-table tr[data-standard]"):
        code = row["data-standard"]
        projected = text_of(row.select_one('td[data-round="1"]'))
        if projected != "Not applicable":
            rating = text_of(row.select_one('td[data-round="1"] strong'))
            line = next(line for line in text.splitlines() if line.startswith(f"- {code} "))
            assert f": {rating}" in line, (line, projected)
            assert ("Near a boundary" in line) == ("Near a boundary" in projected), (line, projected)
    assert f"Readiness page: http://tracker.test/inspections/{barking.id}/readiness" in text


def test_readiness_summary_says_what_the_projection_rests_on(app, smtp, as_user):
    from tests.readiness.conftest import AUDIT_COUNTS, AUDIT_SAMPLES, round_form

    barking = inspection()
    as_user(HEAD).post(
        f"/inspections/{barking.id}/audit-rounds/new",
        data=round_form(
            barking,
            counts={**AUDIT_COUNTS, "2.5": (5, 5, 4)},
            samples={**AUDIT_SAMPLES, "2.5": 6},
            self_ratings={"1.1": "Good"},
        ),
    )

    run_day(app, READINESS_DAY)

    for message in (smtp.to(HEAD)[0].text, soup_of_html(smtp.to(HEAD)[0])):
        assert "(score 8 out of 21, of which 2 self-assessed; left out for too few cases: 2.5 Reviewing)" in message, (
            message
        )
        assert (
            "Good (Audited; lowest key question 70%, 14 of 20 cases, could be Requires improvement to "
            "Outstanding)" in message
        )
        assert (
            "Too few cases to project (lowest key question 67%, 4 of 6 cases, could be Inadequate to "
            "Outstanding)" in message
        )
        assert "Good (Self-assessed)" in message


def soup_of_html(message) -> str:
    return re.sub(r"\s+", " ", BeautifulSoup(message.html, "html.parser").get_text(" "))


def test_readiness_summary_without_an_audit_prompts_for_one(app, smtp):
    run_day(app, READINESS_DAY)

    text = smtp.to(HEAD)[0].text
    assert "No internal case audit has been recorded: run one and record it" in text
    assert "things must still happen, each on the readiness page." in text and "(Taylor Okafor), due" not in text
