"""End-to-end: the demo's PDU, region and HMPPS recommendations go through submission, review and assurance."""

from tests.assurance.conftest import ASSURER, form_data, rec
from tests.conftest import DIRECTOR, HEAD, HMPPS, soup_of, text_of


def rec_page(client, number):
    return client.get(f"/recommendations/{rec(number).id}")


def status_of(client, number) -> str:
    return text_of(soup_of(rec_page(client, number)).select_one("h1 .govuk-tag"))


def history_of(client, number) -> list[str]:
    return [text_of(li).replace(" : ", ": ", 1) for li in soup_of(rec_page(client, number)).select("li.history-event")]


def submit(client, number):
    page = client.get(f"/recommendations/{rec(number).id}/submit")
    assert page.status_code == 200
    return client.post(f"/recommendations/{rec(number).id}/submit", data=form_data(page, "main form"))


def decide(client, number, evidence_title, decision, comment=""):
    """Answer one item in the review page's single form and save it."""
    page = client.get(f"/recommendations/{rec(number).id}/review")
    assert page.status_code == 200, page.status_code
    card = next(c for c in soup_of(page).select(".evidence-review") if evidence_title in text_of(c))
    evidence_id = card["data-evidence-id"]
    data = form_data(
        page,
        "#evidence-decisions",
        save="y",
        **{f"e{evidence_id}-decision": decision, f"e{evidence_id}-comment": comment},
    )
    return client.post(f"/recommendations/{rec(number).id}/evidence/decisions", data=data)


def assure(client, number, comment=""):
    page = client.get(f"/recommendations/{rec(number).id}/review")
    data = form_data(page, "#decision-form", **{"decide-outcome": "assure", "decide-comment": comment})
    return client.post(f"/recommendations/{rec(number).id}/decision", data=data)


def send_back(client, number, reasons):
    page = client.get(f"/recommendations/{rec(number).id}/review")
    data = form_data(page, "#decision-form", **{"decide-outcome": "return", "decide-reasons": reasons})
    return client.post(f"/recommendations/{rec(number).id}/decision", data=data)


def test_pdu_recommendation_submitted_rejected_returned_resubmitted_assured(client_for):
    head, director = client_for(HEAD), client_for(DIRECTOR)
    assert status_of(head, 7) == "Actions complete"
    assert soup_of(rec_page(head, 7)).select_one("#submit-for-assurance") is not None

    assert submit(head, 7).status_code == 302
    assert status_of(head, 7) == "Submitted for assurance"
    queue = soup_of(director.get("/reviews"))
    assert [row["data-recommendation-id"] for row in queue.select("#review-queue tbody tr")] == [str(rec(7).id)]

    assert decide(director, 7, "Inclusion action plan", "accepted", "Clear and agreed with staff.").status_code == 302
    assert (
        decide(
            director, 7, "Professional boundaries briefing", "rejected", "Slides alone do not show who attended."
        ).status_code
        == 302
    )
    page = soup_of(director.get(f"/recommendations/{rec(7).id}/review"))
    blockers = text_of(page.select_one("#assure-blockers"))
    assert blockers.startswith("You cannot assure the recommendation, because you rejected 1 evidence item:")
    assert "“Professional boundaries briefing slides”: Slides alone do not show who attended." in blockers
    # the reasons for returning it start from the rejection's comment, not an empty box
    assert text_of(page.select_one("#decide-reasons")) == (
        "“Professional boundaries briefing slides” is rejected: Slides alone do not show who attended."
    )
    refused = director.post(f"/recommendations/{rec(7).id}/assure", data={"assure-version": rec(7).version_id})
    assert refused.status_code == 422
    assert "cannot be assured yet" in text_of(soup_of(refused).select_one(".govuk-error-summary"))
    assert status_of(head, 7) == "Submitted for assurance"
    assert send_back(director, 7, "Add the attendance record for the boundaries briefings.").status_code == 302
    assert status_of(head, 7) == "Returned"
    assert "Add the attendance record" in text_of(soup_of(rec_page(head, 7)).select_one("#return-reasons"))
    assert director.get("/reviews").status_code == 200
    assert soup_of(director.get("/reviews")).select("#review-queue tbody tr") == []

    blocked = head.get(f"/recommendations/{rec(7).id}/submit")
    assert "has no evidence other than evidence the reviewer rejected" in text_of(
        soup_of(blocked).select_one("#missing-list")
    )
    action = rec(7).actions[1]
    added = head.post(
        f"/actions/{action.id}/evidence/link",
        data={"title": "Boundaries briefing attendance", "url": "https://intranet.example.org/bdh/attendance"},
    )
    assert added.status_code == 302
    assert submit(head, 7).status_code == 302
    assert status_of(head, 7) == "Submitted for assurance"

    review = soup_of(director.get(f"/recommendations/{rec(7).id}/review"))
    assert "set aside" in text_of(review)
    assert decide(director, 7, "Boundaries briefing attendance", "accepted", "Attendance shown.").status_code == 302
    assert assure(director, 7, "Evidence is complete.").status_code == 302
    assert status_of(head, 7) == "Assured"

    history = history_of(head, 7)
    expected = [
        "Chris Morgan: Submitted the recommendation for assurance",
        "Priya Shah: Accepted evidence “Inclusion action plan”",
        "Priya Shah: Rejected evidence “Professional boundaries briefing slides”: Slides alone do not show",
        "Priya Shah: Returned the recommendation to Chris Morgan: Add the attendance record",
        "Chris Morgan: Added evidence 'Boundaries briefing attendance'",
        "Chris Morgan: Resubmitted the recommendation for assurance",
        "Priya Shah: Accepted evidence “Boundaries briefing attendance”",
        "Priya Shah: Assured the recommendation: all evidence accepted. Evidence is complete.",
    ]
    story = list(reversed(history))
    positions = [next(i for i, line in enumerate(story) if line.startswith(step)) for step in expected]
    assert positions == sorted(positions)


def test_region_recommendation_assured_by_hmpps_lead(client_for):
    director, hmpps = client_for(DIRECTOR), client_for(HMPPS)
    assert submit(director, 9).status_code == 302
    assert [
        row["data-recommendation-id"] for row in soup_of(hmpps.get("/reviews")).select("#review-queue tbody tr")
    ] == [str(rec(9).id)]
    assert director.get(f"/recommendations/{rec(9).id}/review").status_code == 403
    assert decide(hmpps, 9, "Signed information-sharing agreement", "accepted", "Signed by both.").status_code == 302
    assert assure(hmpps, 9).status_code == 302
    assert status_of(director, 9) == "Assured"
    assert any(line.startswith("Jordan Reid: Assured the recommendation") for line in history_of(director, 9))


def test_hmpps_recommendation_needs_a_second_hmpps_lead(client_for):
    owner, assurer = client_for(HMPPS), client_for(ASSURER)
    assert submit(owner, 13).status_code == 302
    own = owner.get(f"/recommendations/{rec(13).id}/review")
    assert own.status_code == 403
    assert "You submitted this recommendation" in text_of(soup_of(own).select_one("#refusal-reason"))
    assert soup_of(owner.get("/reviews")).select("#review-queue tbody tr") == []
    assert decide(assurer, 13, "Performance framework", "accepted", "Published.").status_code == 302
    assert assure(assurer, 13).status_code == 302
    assert status_of(owner, 13) == "Assured"
    history = history_of(owner, 13)
    assert any(line.startswith("Jordan Reid: Submitted the recommendation") for line in history)
    assert any(line.startswith("Alex Carter: Assured the recommendation") for line in history)


def test_reviewer_reopens_an_assured_recommendation_and_history_stays(client_for):
    director, hmpps = client_for(DIRECTOR), client_for(HMPPS)
    submit(director, 9)
    decide(hmpps, 9, "Signed information-sharing agreement", "accepted")
    assure(hmpps, 9)
    page = hmpps.get(f"/recommendations/{rec(9).id}/reopen")
    assert page.status_code == 200
    missing_reason = hmpps.post(f"/recommendations/{rec(9).id}/reopen", data=form_data(page, "main form"))
    assert "Enter the reason for reopening" in text_of(soup_of(missing_reason).select_one(".govuk-error-summary"))
    assert director.get(f"/recommendations/{rec(9).id}/reopen").status_code == 403
    reopened = hmpps.post(
        f"/recommendations/{rec(9).id}/reopen",
        data=form_data(page, "main form", reason="The Met has withdrawn from the agreement."),
    )
    assert reopened.status_code == 302
    assert status_of(director, 9) == "Actions complete"
    assert "withdrawn" in text_of(soup_of(rec_page(director, 9)).select_one("#reopen-reason"))
    history = history_of(director, 9)
    assert any("Reopened the assured recommendation: The Met has withdrawn" in line for line in history)
    assert any(line.startswith("Jordan Reid: Assured the recommendation") for line in history)
    assert submit(director, 9).status_code == 302
