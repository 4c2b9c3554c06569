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

    from tracker.extensions import db
    from tracker.recommendations.models import ASSURED, Recommendation, Submission

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


def task_counts(client) -> dict[str, tuple[int, str]]:
    page = soup_of(client.get("/"))
    found = {}
    for item in page.select("#needs-your-action li"):
        status = text_of(item.select_one(".govuk-task-list__status"))
        found[item["data-task"]] = (0 if status == "None" else int(status), item.a["href"])
    return found


def listed(client, href: str) -> int:
    page = soup_of(client.get(href))
    if href == "/reviews":
        return len(page.select("#review-queue tbody tr"))
    strong = page.select_one("#action-count strong, #recommendation-count strong")
    return int(text_of(strong).split()[0])


@time_machine.travel(DEMO_TODAY.isoformat() + " 09:00 +0000", tick=False)
def test_needs_your_action_counts_lead_to_lists_of_that_length(as_user):
    from tests.conftest import HMPPS

    expected_tasks = {
        OWNER: {"overdue", "due-soon"},
        HEAD: {"returned", "ready", "overdue", "due-soon", "overdue-on-mine"},
        DIRECTOR: {"returned", "ready", "review", "overdue", "due-soon", "overdue-on-mine"},
        HMPPS: {"returned", "ready", "review", "overdue", "due-soon", "overdue-on-mine"},
    }
    for email, keys in expected_tasks.items():
        client = as_user(email)
        tasks = task_counts(client)
        assert keys <= set(tasks), (email, tasks)
        for key, (count, href) in tasks.items():
            assert listed(client, href) == count, (email, key, href)
    assert task_counts(as_user(OWNER))["overdue"][0] >= 1
    assert task_counts(as_user(HEAD))["ready"][0] >= 1
    assert any(key.startswith("overdue-region-") for key in task_counts(as_user(DIRECTOR)))


@time_machine.travel(DEMO_TODAY.isoformat() + " 09:00 +0000", tick=False)
def test_head_of_pdu_sees_the_reinspection_countdown(as_user, app):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.inspections.models import Inspection

    inspection = db.session.scalar(select(Inspection).order_by(Inspection.id))
    page = soup_of(as_user(HEAD).get("/"))
    countdown = page.select_one(".tracker-countdown")
    days = (inspection.reinspection_on - DEMO_TODAY).days
    assert text_of(countdown).startswith(f"{days} days to the")
    assert countdown.a["href"] == f"/inspections/{inspection.id}/readiness"
    assert soup_of(as_user(OWNER).get("/")).select_one(".tracker-countdown") is None
