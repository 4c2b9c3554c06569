"""No lost updates: two people in two browsers load the same form and both save; the second is refused with the
conflict page, the database keeps the first's change, and the second can re-apply theirs deliberately."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.assurance.conftest import ASSURER, form_data, rec
from tests.assurance.test_journey import submit
from tests.conftest import DEMO_TODAY, DIRECTOR, HEAD, HMPPS, OWNER, date_fields, soup_of, text_of
from tracker.actions import services as actions
from tracker.actions.models import ProgressUpdate
from tracker.assurance import services
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.shared.conflicts import ConflictError


def conflict_rows(response) -> dict[str, tuple[str, str]]:
    rows = soup_of(response).select("#conflict-table tbody tr")
    return {
        text_of(r.th): (text_of(r.select_one(".conflict-yours")), text_of(r.select_one(".conflict-current")))
        for r in rows
    }


def test_two_people_post_progress_with_a_status_change_at_once(client_for):
    action = rec(1).actions[1]
    url = f"/actions/{action.id}/updates/new"
    head, owner = client_for(HEAD), client_for(OWNER)
    head_form, owner_form = head.get(url), owner.get(url)
    first = head.post(
        url, data=form_data(head_form, "main form", narrative="Audits paused for a restructure.", status="blocked")
    )
    assert first.status_code == 302
    second = owner.post(url, data=form_data(owner_form, "main form", narrative="All audits done.", status="complete"))
    assert second.status_code == 409
    assert text_of(soup_of(second).h1) == "Someone else changed this while you were editing it"
    assert conflict_rows(second)["Status"] == ("Complete", "Blocked")
    db.session.expire_all()
    assert rec(1).actions[1].status == "blocked"
    narratives = [u.narrative for u in db.session.query(ProgressUpdate).filter_by(action_id=action.id)]
    assert "All audits done." not in narratives and "Audits paused for a restructure." in narratives

    reapplied = owner.post(url, data=form_data(second, "#reapply-form"))
    assert reapplied.status_code == 302
    db.session.expire_all()
    assert rec(1).actions[1].status == "complete"


def test_two_people_edit_the_response_at_once(client_for):
    recommendation = rec(2)
    recommendation.lead_id = find_user(OWNER).id
    db.session.commit()
    url = f"/recommendations/{recommendation.id}/response"
    head, lead = client_for(HEAD), client_for(OWNER)
    head_form, lead_form = head.get(url), lead.get(url)
    assert (
        head.post(
            url,
            data=form_data(
                head_form, "main form", response="partly_agreed", rationale="Police capacity is outside our control."
            ),
        ).status_code
        == 302
    )
    second = lead.post(url, data=form_data(lead_form, "main form", response="agreed", rationale="Fully agreed."))
    assert second.status_code == 409
    assert conflict_rows(second)["Response"] == ("Agreed", "Partly agreed")
    db.session.expire_all()
    assert rec(2).response == "partly_agreed"
    assert rec(2).response_rationale == "Police capacity is outside our control."


def test_edit_action_and_revise_date_refuse_a_stale_version(client_for):
    action = rec(3).actions[0]
    head_a, head_b = client_for(HEAD), client_for(HEAD)
    edit_url, date_url = f"/actions/{action.id}/edit", f"/actions/{action.id}/revise-date"
    stale_edit, stale_date = head_b.get(edit_url), head_b.get(date_url)
    fresh = head_a.get(edit_url)
    assert (
        head_a.post(
            edit_url,
            data=form_data(fresh, "main form", description="Countersigning, version 2.", owner_id=str(action.owner_id)),
        ).status_code
        == 302
    )
    refused = head_b.post(
        edit_url, data=form_data(stale_edit, "main form", description="Mine.", owner_id=str(action.owner_id))
    )
    assert refused.status_code == 409
    assert conflict_rows(refused)["What will be done"] == ("Mine.", "Countersigning, version 2.")
    moved = head_b.post(
        date_url,
        data=form_data(
            stale_date, "main form", target_on=date_fields(DEMO_TODAY + timedelta(days=95)), reason="Staff sickness."
        ),
    )
    assert moved.status_code == 409
    db.session.expire_all()
    assert rec(3).actions[0].description == "Countersigning, version 2."
    assert rec(3).actions[0].revisions == []


def test_two_reviewers_decide_the_same_evidence_at_once(client_for):
    submit(client_for(DIRECTOR), 9)
    evidence = rec(9).evidence[0]
    url = f"/recommendations/{rec(9).id}/review"
    first, second = client_for(HMPPS), client_for(ASSURER)
    first_page, second_page = first.get(url), second.get(url)
    decision_url = f"/recommendations/{rec(9).id}/evidence/decisions"
    prefix = f"e{evidence.id}-"
    assert (
        first.post(
            decision_url,
            data=form_data(first_page, "#evidence-decisions", save="y", **{prefix + "decision": "accepted"}),
        ).status_code
        == 302
    )
    refused = second.post(
        decision_url,
        data=form_data(
            second_page,
            "#evidence-decisions",
            save="y",
            **{prefix + "decision": "rejected", prefix + "comment": "Unsigned copy."},
        ),
    )
    assert refused.status_code == 409
    assert conflict_rows(refused)["Decision"] == ("Rejected", "Accepted")
    decisions = services.latest_decisions(rec(9))
    assert decisions[evidence.id].decision == "accepted"

    reapplied = second.post(decision_url, data=form_data(refused, "#reapply-form"))
    assert reapplied.status_code == 302
    db.session.expire_all()
    decisions = services.latest_decisions(rec(9))
    assert (decisions[evidence.id].decision, decisions[evidence.id].comment) == ("rejected", "Unsigned copy.")


def test_two_reviewers_assure_and_return_at_once(client_for):
    submit(client_for(DIRECTOR), 9)
    evidence = rec(9).evidence[0]
    services.decide_evidence(find_user(HMPPS), rec(9), evidence, "accepted", "")
    url = f"/recommendations/{rec(9).id}/review"
    first, second = client_for(HMPPS), client_for(ASSURER)
    first_page, second_page = first.get(url), second.get(url)
    decision_url = f"/recommendations/{rec(9).id}/decision"
    assert (
        first.post(
            decision_url, data=form_data(first_page, "#decision-form", **{"decide-outcome": "assure"})
        ).status_code
        == 302
    )
    late = second.post(
        decision_url,
        data=form_data(second_page, "#decision-form", **{"decide-outcome": "return", "decide-reasons": "Needs more."}),
    )
    assert late.status_code == 302  # not waiting for review any more: turned away, nothing changed
    assert rec(9).submissions[-1].state == "assured"


def test_a_race_after_the_check_is_refused_by_the_version_column(app):
    """Another transaction saves between our read and our write: the UPDATE matches no row and we refuse."""
    action = rec(1).actions[1]
    version = action.version_id
    db.session.execute(text("UPDATE actions SET version_id = version_id + 1 WHERE id = :id"), {"id": action.id})
    with pytest.raises(ConflictError):
        actions.post_update(find_user(HEAD), action, "Racing update.", "blocked", expected_version=version)
    db.session.expire_all()
    assert rec(1).actions[1].status == "in_progress"
