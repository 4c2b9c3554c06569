"""The review page flows: "accept all remaining", a second button in the page's one form, decides every undecided
item at once (audited each), never one the reviewer added; decided items show their decision with a Change link
rather than empty radios."""

from sqlalchemy import select

from tests.assurance.conftest import form_data, rec
from tests.conftest import DIRECTOR, HEAD, soup_of, text_of
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.recommendations.models import ACCEPTED, EvidenceReview


def submit(client, number):
    page = client.get(f"/recommendations/{rec(number).id}/submit")
    return client.post(f"/recommendations/{rec(number).id}/submit", data=form_data(page, "main form"))


def test_accept_all_remaining_then_decided_items_read_accepted_change(app, as_user):
    assert submit(as_user(HEAD), 7).status_code == 302
    director = as_user(DIRECTOR)
    review = f"/recommendations/{rec(7).id}/review"
    page = soup_of(director.get(review))
    items = page.select(".evidence-review")
    assert len(items) >= 2
    button = page.select_one("#evidence-decisions button[name=accept_remaining]")
    assert text_of(button) == f"Accept all {len(items)} remaining items"
    assert "govuk-button--secondary" in button["class"]
    response = director.post(
        f"/recommendations/{rec(7).id}/evidence/decisions",
        data=form_data(director.get(review), "#evidence-decisions", accept_remaining="y"),
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/review#decision")
    reviews = db.session.scalars(
        select(EvidenceReview).where(EvidenceReview.evidence_id.in_([e.id for e in rec(7).evidence]))
    ).all()
    assert len(reviews) == len(items) and {r.decision for r in reviews} == {ACCEPTED}
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.recommendation_id == rec(7).id, AuditEvent.verb == ACCEPTED)
    ).all()
    assert len(events) >= len(items)
    page = soup_of(director.get(review))
    assert page.select_one("button[name=accept_remaining]") is None
    summaries = [text_of(s) for s in page.select(".tracker-change-decision summary")]
    assert len(summaries) == len(items) and all(s.startswith("Accepted – Change") for s in summaries)
    assert page.select_one("#decide-outcome") is not None


def test_accept_all_remaining_is_for_the_reviewer_only(app, as_user):
    submit(as_user(HEAD), 7)
    response = as_user(HEAD).post(f"/recommendations/{rec(7).id}/evidence/decisions", data={"accept_remaining": "y"})
    assert response.status_code == 403
    assert not db.session.scalars(select(EvidenceReview)).all()


def test_after_each_decision_the_page_returns_to_the_next_undecided_item(app, as_user):
    submit(as_user(HEAD), 7)
    director = as_user(DIRECTOR)
    review = f"/recommendations/{rec(7).id}/review"
    items = rec(7).evidence
    for index, item in enumerate(items):
        response = director.post(
            f"/recommendations/{rec(7).id}/evidence/decisions",
            data=form_data(
                director.get(review), "#evidence-decisions", save="y", **{f"e{item.id}-decision": "accepted"}
            ),
        )
        expected = f"#evidence-{items[index + 1].id}" if index + 1 < len(items) else "#decision"
        assert response.headers["Location"].endswith(expected)
