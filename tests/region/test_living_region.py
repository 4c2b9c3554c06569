"""The living region: five fictional London PDUs at different stages beside Barking, each of their
recommendations on the director's plan with the flag the timeliness rule gives it, each row of the dashboard with
its own status, and every page showing a fictional inspection says so."""

from sqlalchemy import func, select

from tests.conftest import DEMO_TODAY, DIRECTOR, HEAD, soup_of, text_of
from tracker.actions.models import ActionDependency, TargetDateRevision
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.demo.region import load_region_data
from tracker.demo.services import PDU_NAME, load_demo
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.services import find_pdu
from tracker.recommendations.models import Submission

FICTIONAL = {"Croydon", "Lambeth", "Newham", "Southwark", "Enfield and Haringey"}


def inspection_of(pdu_name: str) -> Inspection:
    return db.session.scalar(select(Inspection).where(Inspection.pdu_id == find_pdu(pdu_name).id))


def expected_flag(rec) -> str:
    if rec.response == "not_agreed":
        return "not_agreed"
    flags = [action.timeliness(DEMO_TODAY) for action in rec.actions]
    return min(flags, key=lambda flag: flag.rank).key if flags else "no_actions"


def test_only_the_five_other_pdus_are_fictional_and_barking_is_the_report(app):
    with app.app_context():
        fictional = set(db.session.scalars(select(Inspection).where(Inspection.is_fictional)))
        assert {i.pdu.name for i in fictional} == FICTIONAL
        barking = inspection_of(PDU_NAME)
        assert not barking.is_fictional and len(barking.recommendations) == 13
        for inspection in fictional:
            assert 5 <= len(inspection.recommendations) <= 8
            assert {r.addressee_kind for r in inspection.recommendations} == {"pdu", "region"}
            assert (
                db.session.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.inspection_id == inspection.id, AuditEvent.verb == "import")
                )
                == 1
            )


def test_each_pdu_is_at_the_stage_the_demo_says(app):
    with app.app_context():
        croydon, lambeth, newham, southwark, enfield = (
            inspection_of(name) for name in ("Croydon", "Lambeth", "Newham", "Southwark", "Enfield and Haringey")
        )
        states = lambda i: [r.submissions[-1].state if r.submissions else None for r in i.recommendations]  # noqa: E731
        assert states(croydon).count("assured") >= 3
        revisions = [
            rev
            for r in lambeth.recommendations
            for a in r.actions
            for rev in db.session.scalars(select(TargetDateRevision).where(TargetDateRevision.action_id == a.id))
        ]
        assert len(revisions) >= 3 and all(rev.reason and rev.new_on > rev.previous_on for rev in revisions)
        waiting = [a for r in newham.recommendations for a in r.actions if a.status == "blocked"]
        assert waiting and all(
            db.session.scalar(select(ActionDependency.blocker_id).where(ActionDependency.action_id == a.id))
            for a in waiting
        )
        assert all(not r.actions and r.response is None for r in southwark.recommendations)
        submitted = db.session.scalars(select(Submission).where(Submission.state == "submitted")).all()
        assert {s.recommendation.inspection.pdu.name for s in submitted} == {"Enfield and Haringey"}
        assert states(enfield).count("submitted") == 2


def test_the_director_sees_every_fictional_recommendation_on_the_plan_with_its_flag(app, as_user):
    page = soup_of(as_user(DIRECTOR).get("/plan"))
    shown = {
        int(tbody["data-recommendation-id"]): tbody["data-flag"] for tbody in page.select("tbody.tracker-plan-rec")
    }
    with app.app_context():
        for name in FICTIONAL | {PDU_NAME}:
            inspection = inspection_of(name)
            heading = page.select_one(f"#plan-pdu-{inspection.pdu_id}-heading")
            assert ("Fictional demo data" in text_of(heading)) == inspection.is_fictional, name
            for rec in inspection.recommendations:
                assert shown[rec.id] == expected_flag(rec), (name, rec.number)
        flags = {name: {shown[r.id] for r in inspection_of(name).recommendations} for name in FICTIONAL}
    assert flags["Southwark"] == {"no_actions"}
    assert "slipped" in flags["Lambeth"] and "overdue" not in flags["Lambeth"]
    assert "overdue" in flags["Newham"]
    assert "complete_on_time" in flags["Croydon"]
    assert text_of(page.select_one("#plan-uninspected")).startswith("12 PDUs have no open inspection")
    blocked = [text_of(tbody) for tbody in page.select(f"#plan-pdu-{find_pdu_id('Newham', app)} tbody")]
    assert any("Blocked" in text for text in blocked)


def find_pdu_id(name: str, app) -> int:
    with app.app_context():
        return find_pdu(name).id


def test_the_dashboard_rows_have_different_statuses_and_the_tag(as_user):
    page = soup_of(as_user(DIRECTOR).get("/dashboard"))
    rows = {text_of(row.th.a): row for row in page.select("#dashboard-table tbody tr[data-rag]")}
    assert set(rows) == FICTIONAL | {PDU_NAME}
    rag = {name: row["data-rag"] for name, row in rows.items()}
    assert rag["Newham"] == "red" and rag["Lambeth"] == "amber" and rag["Croydon"] == "green"
    assert rag[PDU_NAME] == "red"
    for name, row in rows.items():
        assert ("Fictional demo data" in text_of(row.th)) == (name in FICTIONAL), name
    awaiting = rows["Enfield and Haringey"].select_one('[data-column="awaiting"]')
    assert text_of(awaiting) == "2"


def test_the_inspection_page_says_the_data_is_fictional(app, as_user):
    client = as_user(DIRECTOR)
    with app.app_context():
        newham, barking = inspection_of("Newham").id, inspection_of(PDU_NAME).id
    tag = soup_of(client.get(f"/inspections/{newham}")).select_one("#inspection-title .govuk-tag")
    assert tag is not None and text_of(tag) == "Fictional demo data"
    assert soup_of(client.get(f"/inspections/{barking}")).select_one("#inspection-title .govuk-tag") is None


def test_a_fictional_head_of_pdu_sees_their_own_pdu(as_user):
    page = soup_of(as_user("head.newham@example.org").get("/plan"))
    assert [tbody.find_parent("section")["data-pdu"] for tbody in page.select("tbody.tracker-plan-rec")] and {
        s["data-pdu"] for s in page.select("section.tracker-plan-group")
    } == {"Newham"}
    assert soup_of(as_user(HEAD).get("/plan")).select_one("section.tracker-plan-group")["data-pdu"] == PDU_NAME


def test_loading_again_adds_nothing(app):
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Inspection))
        result = load_demo(today=DEMO_TODAY, password="demo-password-for-tests", region=True)
        assert result.fictional == []
        assert db.session.scalar(select(func.count()).select_from(Inspection)) == before
        assert all(find_user(spec["email"]) for spec in load_region_data()["users"])


def test_sign_ins_list_the_fictional_heads_of_pdu(app):
    output = app.test_cli_runner().invoke(args=["tracker", "sign-ins"]).output
    assert "head.bdh@example.org" in output
    assert "head.newham@example.org" in output and "Newham (fictional)" in output
