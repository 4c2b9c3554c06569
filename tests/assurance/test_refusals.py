"""Every refusal: incomplete actions, missing evidence, no actions, not agreed, self-review, wrong role, wrong
organisation, and decisions without the reasons they need."""

import pytest

from tests.assurance.conftest import ASSURER, form_data, rec
from tests.assurance.test_journey import decide, send_back, submit
from tests.conftest import ADMIN, DIRECTOR, HEAD, HMPPS, OWNER, VIEWER, soup_of, text_of
from tracker.assurance import services
from tracker.auth.models import HEAD_OF_PDU, REGIONAL_DIRECTOR, RoleAssignment
from tracker.auth.services import create_user, find_user
from tracker.extensions import db
from tracker.organisations import services as organisations
from tracker.recommendations.models import NOT_AGREED, Submission


def submissions() -> int:
    return db.session.query(Submission).count()


def test_incomplete_action_and_missing_evidence_are_listed_and_refused(client_for):
    head = client_for(HEAD)
    page = head.get(f"/recommendations/{rec(1).id}/submit")
    missing = [text_of(li) for li in soup_of(page).select("#missing-list li")]
    assert missing == [
        "Action “Introduce monthly risk of harm case audits by senior probation officers, ten cases each.” is not "
        "complete.",
        "Action “Introduce monthly risk of harm case audits by senior probation officers, ten cases each.” has no "
        "evidence.",
    ]
    refused = head.post(f"/recommendations/{rec(1).id}/submit", data={"version": rec(1).version_id})
    assert refused.status_code == 422
    assert submissions() == 0
    panel = soup_of(head.get(f"/recommendations/{rec(1).id}")).select_one("#submission-missing")
    assert "is not complete" in text_of(panel)


def test_each_action_without_completion_is_listed(client_for):
    missing = text_of(soup_of(client_for(HEAD).get(f"/recommendations/{rec(5).id}/submit")).select_one("#missing-list"))
    assert "Train every senior probation officer in effective management oversight.” is not complete" in missing
    assert "has no evidence" in missing


def test_no_actions_and_not_agreed_are_refused(app):
    recommendation = rec(4)
    for action in list(recommendation.actions):
        recommendation.actions.remove(action)
    db.session.flush()
    assert services.missing_for_submission(recommendation) == ["Add at least one action."]
    recommendation.response = NOT_AGREED
    assert services.missing_for_submission(recommendation) == [
        "The recommendation is not agreed, so there is nothing to assure."
    ]
    with pytest.raises(services.AssuranceError):
        services.submit_recommendation(find_user(HEAD), recommendation)


@pytest.mark.parametrize("email", [OWNER, VIEWER, DIRECTOR, HMPPS, ADMIN])
def test_only_the_owner_by_role_submits_a_pdu_recommendation(client_for, email):
    client = client_for(email)
    assert client.get(f"/recommendations/{rec(7).id}/submit").status_code == 403
    assert client.post(f"/recommendations/{rec(7).id}/submit", data={"version": rec(7).version_id}).status_code == 403
    assert submissions() == 0


@pytest.mark.parametrize("email", [HEAD, OWNER, VIEWER, HMPPS, ASSURER])
def test_wrong_role_cannot_review_a_pdu_recommendation(client_for, email):
    submit(client_for(HEAD), 7)
    client = client_for(email)
    evidence = rec(7).evidence[0]
    assert client.get(f"/recommendations/{rec(7).id}/review").status_code == 403
    posted = client.post(
        f"/recommendations/{rec(7).id}/evidence/decisions",
        data={f"e{evidence.id}-decision": "accepted", f"e{evidence.id}-version": evidence.version_id},
    )
    assert posted.status_code == 403
    assert client.post(f"/recommendations/{rec(7).id}/assure", data={}).status_code == 403
    assert client.post(f"/recommendations/{rec(7).id}/return", data={"return-reasons": "x"}).status_code == 403
    assert (
        client.post(
            f"/recommendations/{rec(7).id}/decision", data={"decide-outcome": "return", "decide-reasons": "x"}
        ).status_code
        == 403
    )
    assert soup_of(client.get("/reviews")).select("#review-queue tbody tr") == []


def test_region_recommendation_is_not_reviewed_by_its_own_director(client_for):
    submit(client_for(DIRECTOR), 9)
    assert client_for(DIRECTOR).get(f"/recommendations/{rec(9).id}/review").status_code == 403


def other_region_user(email: str, role: str, org):
    user = create_user(email, "Other Person", "a-long-test-password")
    user.roles.append(RoleAssignment(role=role, organisation=org))
    db.session.commit()
    return user


def test_wrong_organisation_is_refused(client_for):
    north_west = organisations.find_region("North West")
    other_region_user("director.nw@example.org", REGIONAL_DIRECTOR, north_west)
    other_region_user("head.other@example.org", HEAD_OF_PDU, organisations.get_or_create("pdu", "Bolton", north_west))
    submit(client_for(HEAD), 7)
    director = client_for("director.nw@example.org")
    # another region's recommendation is not theirs to see: answered as if it did not exist
    assert director.get(f"/recommendations/{rec(7).id}/review").status_code == 404
    assert soup_of(director.get("/reviews")).select("#review-queue tbody tr") == []
    assert client_for("head.other@example.org").get(f"/recommendations/{rec(1).id}/submit").status_code == 404


def test_nobody_reviews_their_own_submission_whatever_roles_they_hold(client_for):
    both = other_region_user("both.roles@example.org", HEAD_OF_PDU, rec(7).owner_org)
    both.roles.append(RoleAssignment(role=REGIONAL_DIRECTOR, organisation=rec(7).owner_org.parent))
    db.session.commit()
    client = client_for("both.roles@example.org")
    assert submit(client, 7).status_code == 302
    refused = client.get(f"/recommendations/{rec(7).id}/review")
    assert refused.status_code == 403
    assert "You submitted this recommendation" in text_of(soup_of(refused).select_one("#refusal-reason"))
    evidence = rec(7).evidence[0]
    posted = client.post(
        f"/recommendations/{rec(7).id}/evidence/decisions",
        data={f"e{evidence.id}-decision": "accepted", f"e{evidence.id}-version": evidence.version_id},
    )
    assert posted.status_code == 403
    assert (
        client.post(f"/recommendations/{rec(7).id}/assure", data={"assure-version": rec(7).version_id}).status_code
        == 403
    )
    assert soup_of(client.get("/reviews")).select("#review-queue tbody tr") == []
    assert [r.id for r in services.awaiting_review(find_user(DIRECTOR))] == [rec(7).id]


def test_the_lead_cannot_review_even_when_someone_else_submitted(client_for):
    recommendation = rec(7)
    recommendation.lead_id = find_user(DIRECTOR).id
    db.session.commit()
    submit(client_for(HEAD), 7)
    refused = client_for(DIRECTOR).get(f"/recommendations/{rec(7).id}/review")
    assert refused.status_code == 403
    assert "You lead this recommendation" in text_of(soup_of(refused).select_one("#refusal-reason"))


def test_a_lead_who_steps_down_after_submission_still_cannot_review(client_for):
    """Finding 1(a): the lock forbids changing the lead under review; even a change made round it (directly in the
    database) does not make the lead independent, because the submission remembers who led."""
    recommendation = rec(7)
    recommendation.lead_id = find_user(DIRECTOR).id
    db.session.commit()
    assert submit(client_for(HEAD), 7).status_code == 302
    db.session.expire_all()
    assert services.latest_submission(rec(7)).lead_id == find_user(DIRECTOR).id
    rec(7).lead_id = None
    db.session.commit()
    director = client_for(DIRECTOR)
    refused = director.get(f"/recommendations/{rec(7).id}/review")
    assert refused.status_code == 403
    assert "You lead this recommendation" in text_of(soup_of(refused).select_one("#refusal-reason"))
    with pytest.raises(services.AssuranceError, match="You lead this recommendation"):
        services.assure_recommendation(find_user(DIRECTOR), rec(7), "")
    assert services.latest_submission(rec(7)).state == "submitted"


def test_nobody_decides_on_or_assures_evidence_they_added(client_for):
    """Finding 1(b): a reviewer's own evidence (added round the lock) can be neither accepted by them nor assured."""
    from tracker.evidence.models import Evidence

    head, director = client_for(HEAD), client_for(DIRECTOR)
    assert submit(head, 7).status_code == 302
    for item in rec(7).evidence:
        assert decide(director, 7, item.title, "accepted").status_code == 302
    own = Evidence(
        recommendation_id=rec(7).id,
        kind="link",
        title="Director's own note",
        description="",
        url="https://intranet.example.org/note",
        uploaded_by_id=find_user(DIRECTOR).id,
    )
    db.session.add(own)
    db.session.commit()
    with pytest.raises(services.AssuranceError, match="You added this evidence"):
        services.decide_evidence(find_user(DIRECTOR), rec(7), own, "accepted", "")
    with pytest.raises(services.AssuranceError, match="You added evidence to this recommendation"):
        services.assure_recommendation(find_user(DIRECTOR), rec(7), "")
    db.session.rollback()
    assert services.latest_submission(rec(7)).state == "submitted"


def test_rejection_needs_a_comment_and_return_needs_reasons(client_for):
    submit(client_for(HEAD), 7)
    director = client_for(DIRECTOR)
    refused = decide(director, 7, "Inclusion action plan", "rejected", "")
    assert refused.status_code == 422
    assert "Explain why the evidence is rejected" in text_of(soup_of(refused).select_one(".govuk-error-summary"))
    assert services.latest_decisions(rec(7)) == {}
    no_reasons = send_back(director, 7, "")
    assert no_reasons.status_code == 422
    assert "Enter the reasons" in text_of(soup_of(no_reasons).select_one(".govuk-error-summary"))


def test_cannot_assure_with_undecided_evidence_or_submit_twice(client_for):
    head, director = client_for(HEAD), client_for(DIRECTOR)
    submit(head, 7)
    page = director.get(f"/recommendations/{rec(7).id}/review")
    assert "Accept or reject the evidence" in text_of(soup_of(page).select_one("#assure-blockers"))
    refused = director.post(f"/recommendations/{rec(7).id}/assure", data={"assure-version": rec(7).version_id})
    assert refused.status_code == 422
    # submitting again (Back, or a second tab) is not an error: a notice on the recommendation, nothing changed
    again = head.post(f"/recommendations/{rec(7).id}/submit", data={"version": rec(7).version_id})
    assert again.status_code == 302
    page = soup_of(head.get(again.headers["Location"]))
    assert "The recommendation is already submitted for assurance." in " ".join(
        text_of(banner) for banner in page.select(".govuk-notification-banner")
    )
    assert page.select_one(".govuk-error-summary") is None
    assert [s.state for s in rec(7).submissions] == ["submitted"]


def test_review_of_an_unsubmitted_recommendation_is_turned_away(client_for):
    director = client_for(DIRECTOR)
    response = director.get(f"/recommendations/{rec(7).id}/review")
    assert response.status_code == 302
    assert director.get(f"/recommendations/{rec(7).id}/reopen").status_code == 302


def test_review_page_form_ids_stay_unique(client_for):
    submit(client_for(HEAD), 7)
    page = client_for(DIRECTOR).get(f"/recommendations/{rec(7).id}/review")
    assert len(soup_of(page).select("form#evidence-decisions .evidence-review")) == 2
    assert len(soup_of(page).select(".evidence-review form")) == 0
    assert form_data(page, "#decision-form")["decide-version"] == str(rec(7).version_id)
