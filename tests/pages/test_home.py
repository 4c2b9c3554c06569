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


def main_of(client):
    return soup_of(client.get("/")).select_one("main")


def headings(main) -> list[str]:
    return [text_of(h2) for h2 in main.select("h2")]


@time_machine.travel(DEMO_TODAY.isoformat() + " 09:00 +0000", tick=False)
def test_needs_your_action_comes_first_and_the_account_is_in_the_header(as_user):
    from tests.conftest import HMPPS

    for email in (HEAD, OWNER, DIRECTOR, HMPPS):
        page = soup_of(as_user(email).get("/"))
        main = page.select_one("main")
        assert headings(main)[0] == "Needs your action", email
        # the task list comes before the search box and every list of work
        order = [tag["id"] for tag in main.find_all(id=True)]
        assert order.index("needs-your-action") < order.index("search-form"), email
        assert all(
            order.index("needs-your-action") < order.index(table) for table in order if table.endswith("-actions")
        )
        words = text_of(main)
        assert "Change your password" not in words and "Choose how you get reminder emails" not in words
        account = page.select_one(".govuk-service-navigation a[href='/account']")
        assert text_of(account) == "Your account"


def test_the_account_page_offers_what_the_home_page_used_to(as_user):
    rows = soup_of(as_user(VIEWER).get("/account")).select("#account-details .govuk-summary-list__row")
    changes = {
        text_of(row.dt): row.select_one(".govuk-summary-list__actions a")["href"]
        for row in rows
        if row.select_one(".govuk-summary-list__actions a")
    }
    assert changes["Email reminders"] == "/account/notifications"
    assert changes["Password"] == "/account/password"


def test_a_viewer_is_offered_what_they_use_and_nothing_that_cannot_apply(as_user):
    main = main_of(as_user(VIEWER))
    words = text_of(main)
    assert "Needs your action" not in words
    assert "Your overdue actions" not in words and "recommendations you own" not in words
    assert headings(main) == ["Inspections", "Recent changes"]
    inspections = [text_of(row) for row in main.select("#upcoming-inspections tbody tr")]
    assert any(row.startswith("Barking, Dagenham and Havering PDU") for row in inspections)
    readiness = main.select_one("#upcoming-inspections tbody tr a[href$='/readiness']")
    assert text_of(readiness).startswith("See how ready it is")
    assert main.select_one("#all-inspections a")["href"] == "/inspections"
    changes = main.select("#recent-changes li")
    assert 1 <= len(changes) <= 10
    # each change says who made it and what it was made to, by name
    first = text_of(changes[0])
    assert ":" in first and ("Recommendation" in first or "inspection" in first)


def test_a_viewer_has_one_list_of_actions_not_tabs_that_cannot_apply(as_user):
    page = soup_of(as_user(VIEWER).get("/actions"))
    assert page.select_one("nav[aria-label='Action lists']") is None
    assert "Your actions" not in text_of(page.select_one("main"))
    owners = [text_of(option) for option in page.select("select[name=owner] option")]
    assert "You" not in owners and owners[0] == "Anyone"


def test_the_action_tabs_each_person_can_use(as_user):
    def tabs(email):
        page = soup_of(as_user(email).get("/actions"))
        return [text_of(a) for a in page.select("nav[aria-label='Action lists'] a")]

    assert tabs(OWNER) == ["All actions you can see", "Your actions"]
    assert tabs(HEAD) == ["All actions you can see", "Your actions", "Actions on recommendations you own"]
    assert tabs(DIRECTOR) == ["All actions you can see", "Your actions", "Actions on recommendations you own"]


def test_an_administrator_sees_the_import_and_user_queues(app, as_user):
    from tests.conftest import ADMIN
    from tracker.auth.services import create_user, find_user
    from tracker.extensions import db
    from tracker.importer.models import ReportImportDraft

    client = as_user(ADMIN)
    main = main_of(client)
    words = text_of(main)
    assert "Your overdue actions" not in words and "recommendations you own" not in words
    assert text_of(main.select_one("#needs-your-action")) == "No report imports or people are waiting on you."
    assert "Recent changes" in headings(main) and "Inspections" in headings(main)

    # neither an upload nor a sign-in raises the data version: the page built a moment ago must still show them
    create_user("new.starter@example.org", "Nia Starter", "x" * 16, [])
    db.session.add(
        ReportImportDraft(
            filename="croydon-report.pdf",
            extraction={},
            source_sha256="0" * 64,
            uploaded_by_id=find_user(ADMIN).id,
        )
    )
    db.session.commit()
    main = main_of(client)
    tasks = {item["data-task"]: (text_of(item), item.a["href"]) for item in main.select("#needs-your-action li")}
    assert tasks["imports-waiting"] == ("Report imports waiting for your review 1", "/#imports-waiting")
    assert tasks["people-without-role"] == ("People waiting for a role 1", "/admin/users")
    waiting = main.select_one("#imports-waiting tbody tr")
    assert text_of(waiting).startswith("croydon-report.pdf")
    assert waiting.a["href"].startswith("/admin/imports/")


def test_recommendations_to_the_region_and_hmpps_are_labelled_by_their_addressee(as_user):
    from tests.conftest import HMPPS

    def labels(email) -> dict[str, str]:
        table = soup_of(as_user(email).get("/")).select_one("#my-recommendations")
        return {text_of(tr.td): text_of(tr.select_one(".govuk-hint")) for tr in table.select("tbody tr")}

    inspection = " (Barking, Dagenham and Havering PDU inspection)"
    assert labels(DIRECTOR) == {str(n): "London region" + inspection for n in (8, 9, 10, 11)}
    national = labels(HMPPS)
    assert national["12"] == national["13"] == "HM Prison and Probation Service" + inspection
    assert labels(HEAD)["1"] == "Barking, Dagenham and Havering PDU"
