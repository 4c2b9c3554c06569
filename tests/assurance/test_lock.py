"""The lock under review: while a recommendation is submitted, and once it is assured, nothing its submission vouched
for can change, on the pages or through the API; withdrawing the submission is the way out."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.assurance.conftest import rec
from tests.assurance.test_api import bearer
from tests.assurance.test_journey import assure, decide, submit
from tests.conftest import DEMO_TODAY, DIRECTOR, HEAD, OWNER, soup_of, text_of
from tracker.actions import services as actions
from tracker.actions.models import Action, ProgressUpdate
from tracker.assurance import services
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.evidence import services as evidence
from tracker.extensions import db
from tracker.recommendations import services as recommendations
from tracker.recommendations.locking import UnderReviewError

LATER = DEMO_TODAY + timedelta(days=30)


def submitted_7():
    services.submit_recommendation(find_user(HEAD), rec(7))
    return rec(7)


def assured_7(client_for):
    head, director = client_for(HEAD), client_for(DIRECTOR)
    assert submit(head, 7).status_code == 302
    for item in rec(7).evidence:
        assert decide(director, 7, item.title, "accepted").status_code == 302
    assert assure(director, 7).status_code == 302
    db.session.expire_all()
    assert services.latest_submission(rec(7)).state == "assured"
    return rec(7)


CHANGES = {
    "add action": lambda r, who: actions.create_action(who, r, "Late addition", who.id, LATER),
    "edit action": lambda r, who: actions.edit_action(who, r.actions[0], "Changed", who.id),
    "delete action": lambda r, who: actions.delete_action(who, r.actions[0]),
    "status": lambda r, who: actions.post_update(who, r.actions[0], "Reopened work", "in_progress"),
    "target date": lambda r, who: actions.revise_target_date(who, r.actions[0], LATER, "Slipped"),
    "add evidence": lambda r, who: evidence.add_link_evidence(who, r, None, "Late", "", "https://example.org/x"),
    "remove evidence": lambda r, who: evidence.remove_evidence(who, r.evidence[0]),
    "response": lambda r, who: recommendations.set_response(who, r, "partly_agreed", "Changed our mind", None),
    "lead": lambda r, who: recommendations.set_response(who, r, r.response, r.response_rationale, who.id),
    "lead alone": lambda r, who: recommendations.set_lead(who, r, who.id),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_vouched_for_change_is_refused_while_submitted(app, change):
    recommendation = submitted_7()
    before = (
        len(recommendation.actions),
        len(recommendation.evidence),
        db.session.scalar(select(db.func.count(AuditEvent.id))),
    )
    with pytest.raises(UnderReviewError, match="Withdraw the submission"):
        CHANGES[change](recommendation, find_user(HEAD))
    db.session.expire_all()
    after = (len(rec(7).actions), len(rec(7).evidence), db.session.scalar(select(db.func.count(AuditEvent.id))))
    assert after == before


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_vouched_for_change_is_refused_once_assured(app, client_for, change):
    recommendation = assured_7(client_for)
    with pytest.raises(UnderReviewError, match="reopen it"):
        CHANGES[change](recommendation, find_user(HEAD))


def test_a_narrative_update_is_still_allowed_under_review(app):
    recommendation = submitted_7()
    update = actions.post_update(find_user(HEAD), recommendation.actions[0], "Still embedding the plan.")
    assert update.id and db.session.get(ProgressUpdate, update.id).status_to is None


PAGES = [
    ("get", "/recommendations/{rec}/actions/new"),
    ("post", "/recommendations/{rec}/actions/new"),
    ("get", "/actions/{action}/edit"),
    ("get", "/actions/{action}/revise-date"),
    ("post", "/actions/{action}/delete"),
    ("get", "/recommendations/{rec}/response"),
    ("post", "/recommendations/{rec}/response"),
    ("get", "/recommendations/{rec}/lead"),
    ("post", "/recommendations/{rec}/lead"),
    ("get", "/recommendations/{rec}/evidence/link"),
    ("post", "/actions/{action}/evidence/upload"),
    ("get", "/evidence/{evidence}/remove"),
]


@pytest.mark.parametrize("method,url", PAGES)
def test_pages_refuse_and_offer_the_withdrawal(client_for, method, url):
    recommendation = submitted_7()
    head = client_for(HEAD)
    target = url.format(
        rec=recommendation.id, action=recommendation.actions[0].id, evidence=recommendation.evidence[0].id
    )
    page = getattr(head, method)(
        target,
        data={
            "description": "Late",
            "owner_id": find_user(HEAD).id,
            "target_on": ["1", "1", str(LATER.year)],
            "response": "agreed",
        },
    )
    assert page.status_code == 409
    soup = soup_of(page)
    assert text_of(soup.h1) == "You cannot change this recommendation now"
    assert "Withdraw the submission" in text_of(soup.select_one("#locked-reason"))
    assert soup.select_one("#withdraw-link")["href"] == f"/recommendations/{recommendation.id}/withdraw"
    db.session.expire_all()
    assert [a.description for a in rec(7).actions].count("Late") == 0


def test_recommendation_and_action_pages_hide_the_changes(client_for):
    head = client_for(HEAD)
    recommendation = rec(7)
    soup = soup_of(head.get(f"/recommendations/{recommendation.id}"))
    assert "Add an action" in text_of(soup.select_one("main"))
    submitted_7()
    soup = soup_of(head.get(f"/recommendations/{recommendation.id}"))
    main = text_of(soup.select_one("main"))
    assert "Add an action" not in main and "Change response" not in main and "Change lead" not in main
    assert "Upload a file" not in main and "Remove" not in main
    assert "cannot change" in text_of(soup.select_one("#lock-notice"))
    assert soup.select_one("#withdraw-link") is not None
    action_page = text_of(soup_of(head.get(f"/actions/{recommendation.actions[0].id}")).select_one("main"))
    assert "Change owner" not in action_page and "Delete this action" not in action_page
    assert "Post a progress update" in action_page


def test_api_refuses_a_status_change_under_review_but_takes_a_narrative(client):
    action = submitted_7().actions[0]
    url = f"/api/v1/actions/{action.id}/updates"
    refused = client.post(url, headers=bearer(HEAD), json={"narrative": "Undo", "status": "in_progress"})
    assert refused.status_code == 409
    assert "Withdraw the submission" in refused.get_json()["error"]["message"]
    assert client.post(url, headers=bearer(HEAD), json={"narrative": "A note."}).status_code == 201
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == "complete"


def test_api_refuses_a_status_change_once_assured(client, client_for):
    action = assured_7(client_for).actions[0]
    response = client.post(
        f"/api/v1/actions/{action.id}/updates",
        headers=bearer(HEAD),
        json={"narrative": "Undo", "status": "in_progress"},
    )
    assert response.status_code == 409 and "reopen" in response.get_json()["error"]["message"]


def test_withdraw_then_change_then_resubmit(client_for):
    recommendation = submitted_7()
    head = client_for(HEAD)
    page = head.get(f"/recommendations/{recommendation.id}/withdraw")
    assert text_of(soup_of(page).h1) == "Withdraw the submission for assurance"
    version = soup_of(page).select_one("input[name=version]")["value"]
    assert head.post(f"/recommendations/{recommendation.id}/withdraw", data={"version": version}).status_code == 302
    db.session.expire_all()
    assert services.latest_submission(rec(7)).state == "withdrawn"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "withdraw"))
    assert event.actor_id == find_user(HEAD).id and event.recommendation_id == recommendation.id
    soup = soup_of(head.get(f"/recommendations/{recommendation.id}"))
    assert text_of(soup.select_one("h1 .govuk-tag")) == "Actions complete"
    actions.create_action(find_user(HEAD), rec(7), "Added after withdrawal", find_user(OWNER).id, LATER)
    assert "not complete" in " ".join(services.missing_for_submission(rec(7)))


def test_only_the_submitter_or_a_manager_may_withdraw(client_for):
    recommendation = submitted_7()
    assert client_for(DIRECTOR).get(f"/recommendations/{recommendation.id}/withdraw").status_code == 403
    assert client_for(OWNER).post(f"/recommendations/{recommendation.id}/withdraw", data={}).status_code == 403
    with pytest.raises(services.AssuranceError):
        services.withdraw_submission(find_user(DIRECTOR), recommendation)
    services.withdraw_submission(find_user(HEAD), recommendation)
    with pytest.raises(services.AssuranceError, match="nothing to withdraw"):
        services.withdraw_submission(find_user(HEAD), rec(7))


def test_the_reviewer_sees_what_changed_since_submission(client_for):
    recommendation = submitted_7()
    director = client_for(DIRECTOR)
    page = soup_of(director.get(f"/recommendations/{recommendation.id}/review"))
    assert text_of(page.select_one("#changes-since-submission")) == "Nothing has changed since it was submitted."
    actions.post_update(find_user(HEAD), rec(7).actions[0], "Briefed the new starters too.")
    page = soup_of(director.get(f"/recommendations/{recommendation.id}/review"))
    changes = [text_of(li) for li in page.select("#changes-since-submission li")]
    assert len(changes) == 1 and changes[0].startswith("Posted a progress update")


@pytest.mark.parametrize("method,url", PAGES)
def test_pages_refuse_once_assured_and_point_to_reopening(client_for, method, url):
    recommendation = assured_7(client_for)
    before = (len(recommendation.actions), len(recommendation.evidence), recommendation.response)
    target = url.format(
        rec=recommendation.id, action=recommendation.actions[0].id, evidence=recommendation.evidence[0].id
    )
    page = getattr(client_for(HEAD), method)(
        target,
        data={
            "description": "Late",
            "owner_id": find_user(HEAD).id,
            "target_on": ["1", "1", str(LATER.year)],
            "response": "partly_agreed",
            "title": "Late",
            "url": "https://example.org/late",
        },
    )
    assert page.status_code == 409
    soup = soup_of(page)
    assert text_of(soup.h1) == "You cannot change this recommendation now"
    assert "is assured" in text_of(soup.select_one("#locked-reason"))
    assert "Ask its reviewer to reopen it" in text_of(soup.select_one("#locked-reason"))
    assert soup.select_one("#withdraw-link") is None, "an assured recommendation has no submission to withdraw"
    db.session.expire_all()
    after = rec(7)
    assert (len(after.actions), len(after.evidence), after.response) == before


def test_assured_pages_hide_the_changes_and_the_reviewer_is_offered_the_reopening(client_for):
    recommendation = assured_7(client_for)
    main = text_of(soup_of(client_for(HEAD).get(f"/recommendations/{recommendation.id}")).select_one("main"))
    assert "Add an action" not in main and "Change response" not in main and "Change lead" not in main
    locked = soup_of(client_for(DIRECTOR).get(f"/recommendations/{recommendation.id}"))
    assert "is assured" in text_of(locked.select_one("#lock-notice"))
    reopen = client_for(HEAD).get(f"/actions/{recommendation.actions[0].id}/revise-date")
    assert soup_of(reopen).select_one("#reopen-link") is None, "the head cannot reopen; the reviewer can"


@pytest.mark.parametrize("state", ["submitted", "assured"])
def test_the_update_page_takes_no_change_of_status_under_review(client_for, state):
    recommendation = submitted_7() if state == "submitted" else assured_7(client_for)
    action = recommendation.actions[0]
    assert action.status == "complete"
    head = client_for(HEAD)
    url = f"/actions/{action.id}/updates/new"
    form = soup_of(head.get(url))
    assert [radio["value"] for radio in form.select("input[name=status]")] == [""]
    assert "cannot change" in text_of(form.select_one("main form"))
    updates_before = db.session.scalar(select(db.func.count(ProgressUpdate.id)))
    version = form.select_one("input[name=version]")["value"]
    page = head.post(url, data={"narrative": "Reopening the work", "status": "in_progress", "version": version})
    assert page.status_code == 200
    assert soup_of(page).select_one(".govuk-error-summary") is not None
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == "complete"
    assert db.session.scalar(select(db.func.count(ProgressUpdate.id))) == updates_before


def test_api_refuses_every_status_once_assured_and_saves_nothing(client, client_for):
    action = assured_7(client_for).actions[0]
    updates_before = db.session.scalar(select(db.func.count(ProgressUpdate.id)))
    for status in ("not_started", "in_progress", "blocked"):
        response = client.post(
            f"/api/v1/actions/{action.id}/updates", headers=bearer(HEAD), json={"narrative": "Undo", "status": status}
        )
        assert response.status_code == 409, status
        assert "is assured" in response.get_json()["error"]["message"]
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == "complete"
    assert db.session.scalar(select(db.func.count(ProgressUpdate.id))) == updates_before
