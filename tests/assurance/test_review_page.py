"""The review page's one form: several items decided in one save, blank items left undecided, errors summarised
with nothing typed lost, "accept all remaining" in the same form, all saved or none; and the decision on the
recommendation asked as one question; the page's query count does not grow with the evidence."""

from sqlalchemy import select

from tests.assurance.conftest import form_data, rec
from tests.conftest import DIRECTOR, HEAD, soup_of, text_of
from tests.readiness.conftest import counting_queries
from tracker.assurance import services
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.demo.services import minimal_pdf
from tracker.evidence import services as evidence
from tracker.extensions import db
from tracker.recommendations.models import EvidenceReview


def submitted(as_user):
    client = as_user(HEAD)
    page = client.get(f"/recommendations/{rec(7).id}/submit")
    assert client.post(f"/recommendations/{rec(7).id}/submit", data=form_data(page, "main form")).status_code == 302
    return as_user(DIRECTOR)


def review_url() -> str:
    return f"/recommendations/{rec(7).id}/review"


def save(director, button="save", **answers):
    """Post the page's one form as the reviewer filled it: `answers` by field name, e.g. e12_decision."""
    fields = {name.replace("_", "-", 1): value for name, value in answers.items()}
    data = form_data(director.get(review_url()), "#evidence-decisions", **{button: "y"}, **fields)
    return director.post(f"/recommendations/{rec(7).id}/evidence/decisions", data=data)


def open_every_item(director) -> None:
    """Follow each item's link or download it, as the reviewer does before "Accept all remaining"."""
    for item in rec(7).evidence:
        assert director.get(f"/evidence/{item.id}/open", follow_redirects=item.kind == "file").status_code in (200, 302)


def reviews() -> dict[int, tuple[str, str]]:
    rows = db.session.scalars(
        select(EvidenceReview).where(EvidenceReview.evidence_id.in_([e.id for e in rec(7).evidence]))
    )
    return {r.evidence_id: (r.decision, r.comment) for r in rows}


def summary_links(response) -> dict[str, str]:
    summary = soup_of(response).select_one(".govuk-error-summary")
    assert summary is not None
    return {text_of(a): a["href"] for a in summary.select("a")}


def test_several_items_are_decided_in_one_save_each_audited(app, as_user):
    director = submitted(as_user)
    first, second = rec(7).evidence
    response = save(
        director,
        **{
            f"e{first.id}_decision": "accepted",
            f"e{second.id}_decision": "rejected",
            f"e{second.id}_comment": "Slides alone do not show who attended.",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/review#decision")
    assert reviews() == {first.id: ("accepted", ""), second.id: ("rejected", "Slides alone do not show who attended.")}
    verbs = db.session.scalars(
        select(AuditEvent.verb).where(
            AuditEvent.recommendation_id == rec(7).id, AuditEvent.entity_type == "evidence_review"
        )
    ).all()
    assert sorted(verbs) == ["accepted", "rejected"]
    page = soup_of(director.get(review_url()))
    assert "2 decisions saved." in text_of(page.select_one(".govuk-notification-banner"))


def test_items_left_blank_stay_undecided_and_the_page_returns_to_the_first_of_them(app, as_user):
    director = submitted(as_user)
    first, second = rec(7).evidence
    response = save(director, **{f"e{second.id}_decision": "accepted"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/review#evidence-{first.id}")
    assert reviews() == {second.id: ("accepted", "")}
    page = soup_of(director.get(review_url()))
    assert text_of(page.select_one(f"#evidence-{first.id} .govuk-tag")) == "Not decided"
    change = page.select_one(f"#evidence-{second.id} details.tracker-change-decision")
    assert text_of(change.summary).startswith("Accepted – Change")
    assert change.select_one("input[value=accepted]").has_attr("checked")


def test_saving_with_no_item_answered_asks_for_at_least_one(app, as_user):
    director = submitted(as_user)
    first = rec(7).evidence[0]
    response = save(director)
    assert response.status_code == 422
    assert summary_links(response) == {"Select accept or reject for at least one item": f"#e{first.id}-decision"}
    assert soup_of(response).select_one(f"#e{first.id}-decision") is not None
    assert reviews() == {}


def test_a_rejection_without_a_comment_is_refused_and_what_was_typed_is_kept(app, as_user):
    director = submitted(as_user)
    first, second = rec(7).evidence
    response = save(
        director,
        **{
            f"e{first.id}_decision": "rejected",
            f"e{first.id}_comment": "Not signed off.",
            f"e{second.id}_decision": "rejected",
            f"e{second.id}_comment": "  ",
        },
    )
    assert response.status_code == 422
    assert summary_links(response) == {"Explain why the evidence is rejected": f"#e{second.id}-comment"}
    page = soup_of(response)
    assert page.select_one(f"#evidence-{first.id} input[value=rejected]").has_attr("checked")
    assert text_of(page.select_one(f"#e{first.id}-comment")) == "Not signed off."
    assert page.select_one(f"#evidence-{second.id} input[value=rejected]").has_attr("checked")
    assert reviews() == {}


def test_accept_all_remaining_saves_the_answers_given_and_accepts_the_rest(app, as_user):
    director = submitted(as_user)
    first, second = rec(7).evidence
    open_every_item(director)
    response = save(
        director, "accept_remaining", **{f"e{first.id}_decision": "rejected", f"e{first.id}_comment": "Draft only."}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#decision")
    assert reviews() == {first.id: ("rejected", "Draft only."), second.id: ("accepted", "")}


def test_the_batch_is_saved_whole_or_not_at_all(app, as_user):
    director = submitted(as_user)
    first, second = rec(7).evidence
    second.uploaded_by_id = find_user(DIRECTOR).id  # the reviewer may not decide on evidence they added
    db.session.commit()
    response = save(director, **{f"e{first.id}_decision": "accepted", f"e{second.id}_decision": "accepted"})
    assert response.status_code == 422
    assert "You added this evidence" in text_of(soup_of(response).select_one(".govuk-error-summary"))
    db.session.expire_all()
    assert reviews() == {}
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "evidence_review")).all() == []


def test_while_anything_blocks_assurance_only_returning_is_offered(app, as_user):
    director = submitted(as_user)
    page = soup_of(director.get(review_url()))
    form = page.select_one("#decision-form")
    assert form.select("input[type=radio]") == []
    assert form.select_one("input[type=hidden][name=decide-outcome]")["value"] == "return"
    button = form.select_one("button")
    assert text_of(button) == "Return the recommendation"
    assert "govuk-button--secondary" in button["class"] and "govuk-button--warning" not in button["class"]
    refused = director.post(
        f"/recommendations/{rec(7).id}/decision", data=form_data(director.get(review_url()), "#decision-form")
    )
    assert refused.status_code == 422
    assert summary_links(refused) == {"Enter the reasons for returning the recommendation": "#decide-reasons"}
    assert rec(7).submissions[-1].state == "submitted"


def test_the_decision_is_one_question_with_the_comment_or_reasons_revealed_under_each_answer(app, as_user):
    director = submitted(as_user)
    open_every_item(director)
    assert save(director, "accept_remaining").status_code == 302
    page = soup_of(director.get(review_url()))
    form = page.select_one("#decision-form")
    answers = {text_of(label): label for label in form.select(".govuk-radios__label")}
    assert list(answers) == ["Assure the recommendation", "Return it to the owner"]
    assure, send_back = form.select(".govuk-radios__conditional")
    assert assure.select_one("textarea")["name"] == "decide-comment"
    assert send_back.select_one("textarea")["name"] == "decide-reasons"
    assert text_of(form.select_one("button")) == "Save your decision"

    unanswered = director.post(
        f"/recommendations/{rec(7).id}/decision",
        data=form_data(
            director.get(review_url()), "#decision-form", **{"decide-reasons": "Typed but no answer chosen."}
        ),
    )
    assert unanswered.status_code == 422
    assert list(summary_links(unanswered).values()) == ["#decide-outcome"]
    assert text_of(soup_of(unanswered).select_one("#decide-reasons")) == "Typed but no answer chosen."

    assured = director.post(
        f"/recommendations/{rec(7).id}/decision",
        data=form_data(
            director.get(review_url()), "#decision-form", **{"decide-outcome": "assure", "decide-comment": "All there."}
        ),
    )
    assert assured.status_code == 302
    assert rec(7).submissions[-1].state == "assured" and rec(7).submissions[-1].decision_reason == "All there."


def test_the_progress_updates_sit_beside_the_evidence_newest_first(app, as_user):
    director = submitted(as_user)
    page = soup_of(director.get(review_url()))
    shown = [text_of(p) for p in page.select(".tracker-review-timeline .progress-update > p:first-child")]
    updates = sorted((u for a in rec(7).actions for u in a.updates), key=lambda u: u.created_at, reverse=True)
    assert shown == [u.narrative for u in updates] and shown


def test_the_page_runs_the_same_queries_however_much_evidence_there_is(app, as_user):
    director = submitted(as_user)
    with counting_queries() as few:
        assert director.get(review_url()).status_code == 200
    head = find_user(HEAD)
    services.withdraw_submission(head, rec(7))
    for number, action in enumerate(rec(7).actions * 2):
        evidence.add_file_evidence(
            head,
            rec(7),
            action,
            f"More evidence {number}",
            "",
            f"more-{number}.pdf",
            minimal_pdf(f"More evidence {number}"),
        )
    services.submit_recommendation(head, rec(7))
    assert len(rec(7).evidence) > 4
    with counting_queries() as many:
        assert director.get(review_url()).status_code == 200
    assert len(many) == len(few)
