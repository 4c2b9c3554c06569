"""Submitting for assurance is a "Check your answers" page: the actions with their status, each evidence item put
forward by title and kind, the reviewer by name (the region's director for a PDU's recommendation, an HMPPS lead
other than the submitter for the region's and HMPPS's), and an optional covering note for the reviewer, stored
with the submission, audited, and shown to the reviewer."""

from sqlalchemy import select

from tests.assurance.conftest import ASSURER, form_data, rec
from tests.assurance.test_journey import decide, send_back
from tests.conftest import DIRECTOR, HEAD, HMPPS, soup_of, text_of
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.recommendations.models import Submission
from tracker.text_limits import LONG_TEXT


def submit_page(client, number):
    return client.get(f"/recommendations/{rec(number).id}/submit")


def rows(page, list_id: str) -> list[tuple[str, str]]:
    return [
        (text_of(row.select_one(".govuk-summary-list__key")), text_of(row.select_one(".govuk-summary-list__value")))
        for row in page.select(f"#{list_id} .govuk-summary-list__row")
    ]


def test_check_your_answers_lists_the_actions_the_evidence_and_the_reviewer_by_name(client_for):
    page = soup_of(submit_page(client_for(HEAD), 7))
    assert text_of(page.select_one("h1")) == "Check your answers before submitting for assurance"
    assert text_of(page.select_one("#submit-summary")) == (
        "2 actions are complete, with 2 evidence items for the reviewer to check."
    )
    actions = rows(page, "check-actions")
    assert [key for key, _ in actions] == [action.description for action in rec(7).actions]
    assert all(value.startswith("Complete, ") and "Owner: " in value for _, value in actions)
    evidence = dict(rows(page, "check-evidence"))
    assert evidence["Inclusion action plan"].startswith("PDF: inclusion-action-plan.pdf For the action “")
    assert evidence["Professional boundaries briefing slides"].startswith(
        "Link: https://intranet.example.org/bdh/boundaries-briefing For the action “"
    )
    [(key, reviewer)] = rows(page, "check-reviewer")
    assert key == "Reviewed by"
    assert reviewer.startswith("Priya Shah The regional director for London assures a PDU's recommendations.")
    note = page.select_one("main form textarea[name=covering_note]")
    assert text_of(page.select_one(f"label[for={note['id']}]")) == "Covering note for the reviewer (optional)"
    assert text_of(page.select_one("main form button")) == "Submit for assurance"


def test_the_region_and_hmpps_recommendations_name_the_hmpps_leads_other_than_the_submitter(client_for):
    region = soup_of(submit_page(client_for(DIRECTOR), 9))
    assert text_of(region.select_one("#submit-summary")) == (
        "1 action is complete, with 1 evidence item for the reviewer to check."
    )
    [(key, reviewer)] = rows(region, "check-reviewer")
    assert key == "Reviewed by one of"
    assert reviewer.startswith("Jordan Reid or Alex Carter An HMPPS national lead other than you")
    hmpps = soup_of(submit_page(client_for(HMPPS), 13))
    [(key, reviewer)] = rows(hmpps, "check-reviewer")
    assert (key, reviewer.split(" An HMPPS")[0]) == ("Reviewed by", "Alex Carter")
    assert dict(rows(hmpps, "check-evidence"))["Performance framework (quality measures)"].startswith("Link: ")


def test_the_covering_note_is_kept_with_the_submission_audited_and_shown_to_the_reviewer(client_for):
    head = client_for(HEAD)
    note = "The plan is on page 3.\nThe slides are on the intranet, as staff use them."
    response = head.post(
        f"/recommendations/{rec(7).id}/submit", data=form_data(submit_page(head, 7), "main form", covering_note=note)
    )
    assert response.status_code == 302
    submission = rec(7).submissions[-1]
    assert (submission.state, submission.covering_note) == ("submitted", note)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.entity_type == "submission", AuditEvent.entity_id == submission.id)
    )
    assert event.summary == (
        "Submitted the recommendation for assurance: 2 actions complete, 2 evidence items. Covering note: " + note
    )
    assert event.after["covering_note"] == note
    assert sorted(event.after["evidence_ids"]) == sorted(item.id for item in rec(7).evidence)

    review = soup_of(client_for(DIRECTOR).get(f"/recommendations/{rec(7).id}/review"))
    assert text_of(review.select_one("#covering-note-heading")) == "Covering note from Chris Morgan"
    assert review.select_one("#covering-note").get_text().strip() == note
    banner = soup_of(head.get(f"/recommendations/{rec(7).id}")).select_one("#banner-covering-note")
    assert text_of(banner) == "Covering note: " + " ".join(note.split())


def test_without_a_note_the_review_page_shows_none(client_for):
    head = client_for(HEAD)
    head.post(f"/recommendations/{rec(7).id}/submit", data=form_data(submit_page(head, 7), "main form"))
    review = soup_of(client_for(DIRECTOR).get(f"/recommendations/{rec(7).id}/review"))
    assert review.select_one("#covering-note") is None
    assert rec(7).submissions[-1].covering_note == ""


def test_a_note_too_long_is_refused_in_the_error_summary_with_what_was_typed_kept(client_for):
    head = client_for(HEAD)
    note = "x" * (LONG_TEXT + 1)
    refused = head.post(
        f"/recommendations/{rec(7).id}/submit", data=form_data(submit_page(head, 7), "main form", covering_note=note)
    )
    assert refused.status_code == 422
    page = soup_of(refused)
    [link] = page.select(".govuk-error-summary a")
    assert link["href"] == "#covering_note"
    assert page.select_one("#covering_note").get_text() == note
    assert db.session.scalars(select(Submission)).all() == []


def test_evidence_rejected_in_an_earlier_round_is_not_put_forward_again(client_for):
    head, director = client_for(HEAD), client_for(DIRECTOR)
    head.post(f"/recommendations/{rec(7).id}/submit", data=form_data(submit_page(head, 7), "main form"))
    assert decide(director, 7, "Professional boundaries briefing", "rejected", "No attendance.").status_code == 302
    assert send_back(director, 7, "Add the attendance record.").status_code == 302
    head.post(
        f"/actions/{rec(7).actions[1].id}/evidence/link",
        data={"title": "Briefing attendance", "url": "https://intranet.example.org/bdh/attendance"},
    )
    page = soup_of(submit_page(head, 7))
    assert [key for key, _ in rows(page, "check-evidence")] == ["Inclusion action plan", "Briefing attendance"]
    assert text_of(page.select_one("#not-counted")) == (
        "Not put forward, because the reviewer rejected it before: “Professional boundaries briefing slides”."
    )


def test_when_everyone_in_the_reviewers_role_is_the_submitter_or_lead_the_page_says_nobody_can_review_yet(
    client_for,
):
    # the second HMPPS lead submits: the first leads the recommendation, so neither may review it
    page = soup_of(submit_page(client_for(ASSURER), 13))
    [(_, reviewer)] = rows(page, "check-reviewer")
    assert reviewer.startswith("Nobody yet")
    assert "Nobody can review it yet" in text_of(page.select_one("#no-reviewer"))
