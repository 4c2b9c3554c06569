"""Cross-level dependencies: the demo's PDU actions wait on region and HMPPS actions; the blocker's owner sees
what waits on them; no cycles."""

from tests.assurance.conftest import rec
from tests.conftest import DIRECTOR, HEAD, HMPPS, OWNER, soup_of, text_of
from tracker.actions.models import ActionDependency
from tracker.assurance import dependencies
from tracker.extensions import db


def test_demo_pdu_actions_wait_on_region_and_hmpps_actions(client_for):
    action = rec(5).actions[0]
    page = soup_of(client_for(OWNER).get(f"/actions/{action.id}"))
    rows = page.select("#blockers-table tbody tr")
    assert [r["data-blocker-id"] for r in rows] == [str(rec(8).actions[0].id), str(rec(12).actions[0].id)]
    first = text_of(rows[0])
    assert "Priya Shah" in first and "In progress" in first and "London" in first
    assert "Jordan Reid" in text_of(rows[1])
    assert page.select_one("#dependencies form") is None  # the action owner cannot edit the action


def test_blocker_owner_sees_what_waits_on_them(client_for):
    home = soup_of(client_for(DIRECTOR).get("/"))
    waiting = [text_of(r) for r in home.select("#waiting-on-me tbody tr")]
    assert len(waiting) == 2
    assert any("Train every senior probation officer" in row for row in waiting)
    assert any("Cap PQiP learners" in row for row in waiting)
    assert len(soup_of(client_for(HMPPS).get("/")).select("#waiting-on-me tbody tr")) == 2
    assert soup_of(client_for(HEAD).get("/")).select("#waiting-on-me") == []


def test_add_and_remove_a_dependency_with_audit(client_for):
    head = client_for(HEAD)
    action, blocker = rec(3).actions[0], rec(11).actions[0]
    page = head.get(f"/actions/{action.id}")
    options = [o["value"] for o in soup_of(page).select("#blocker_id option")]
    assert str(blocker.id) in options and str(action.id) not in options
    added = head.post(f"/actions/{action.id}/dependencies", data={"blocker_id": blocker.id})
    assert added.status_code == 302
    dependency = db.session.query(ActionDependency).filter_by(action_id=action.id).one()
    history = text_of(soup_of(head.get(f"/recommendations/{rec(3).id}")).select_one(".history"))
    assert "waits on Recommendation 11 (London" in history
    removed = head.post(f"/actions/{action.id}/dependencies/{dependency.id}/remove")
    assert removed.status_code == 302
    assert db.session.query(ActionDependency).filter_by(action_id=action.id).count() == 0


def test_a_cycle_is_refused_with_a_clear_error(client_for):
    director = client_for(DIRECTOR)
    region_action, pdu_action = rec(8).actions[0], rec(5).actions[0]
    refused = director.post(f"/actions/{region_action.id}/dependencies", data={"blocker_id": pdu_action.id})
    assert refused.status_code == 422
    summary = text_of(soup_of(refused).select_one(".govuk-error-summary"))
    assert "already waits on this action" in summary and "circle" in summary
    assert dependencies.waits_on(pdu_action.id, region_action.id)
    assert not dependencies.waits_on(region_action.id, pdu_action.id)


def test_who_may_change_dependencies(client_for):
    action, blocker = rec(3).actions[0], rec(11).actions[0]
    assert (
        client_for(OWNER).post(f"/actions/{action.id}/dependencies", data={"blocker_id": blocker.id}).status_code == 403
    )
    existing = db.session.query(ActionDependency).filter_by(action_id=rec(5).actions[0].id).first()
    assert (
        client_for(DIRECTOR).post(f"/actions/{rec(5).actions[0].id}/dependencies/{existing.id}/remove").status_code
        == 403
    )
    assert client_for(HEAD).post(f"/actions/{action.id}/dependencies/{existing.id}/remove").status_code == 403
