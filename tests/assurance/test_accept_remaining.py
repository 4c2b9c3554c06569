"""The review page flows: "accept all remaining", a second button in the page's one form, decides every undecided
item the reviewer has opened at once (audited each), never one the reviewer added and never one they have not
opened, and it says which those are; decided items show their decision with a Change link rather than empty
radios."""

from sqlalchemy import select

from tests.assurance.conftest import form_data, rec
from tests.conftest import DIRECTOR, HEAD, soup_of, text_of
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.evidence.models import EvidenceOpening
from tracker.extensions import db
from tracker.recommendations.models import ACCEPTED, EvidenceReview


def submit(client, number):
    page = client.get(f"/recommendations/{rec(number).id}/submit")
    return client.post(f"/recommendations/{rec(number).id}/submit", data=form_data(page, "main form"))


def review_url() -> str:
    return f"/recommendations/{rec(7).id}/review"


def accept_remaining(director):
    return director.post(
        f"/recommendations/{rec(7).id}/evidence/decisions",
        data=form_data(director.get(review_url()), "#evidence-decisions", accept_remaining="y"),
    )


def pdf_and_link():
    pdf = next(item for item in rec(7).evidence if item.kind == "file")
    link = next(item for item in rec(7).evidence if item.kind == "link")
    return pdf, link


def open_item(director, page, item):
    """Follow the item's own link on the review page, as the reviewer would."""
    card = page.select_one(f"#evidence-{item.id}")
    href = next(a["href"] for a in card.select("a") if text_of(a).startswith(("Download", "Open the link")))
    return director.get(href)


def decisions() -> dict[int, str]:
    rows = db.session.scalars(
        select(EvidenceReview).where(EvidenceReview.evidence_id.in_([e.id for e in rec(7).evidence]))
    )
    return {r.evidence_id: r.decision for r in rows}


def test_nothing_opened_offers_no_accept_all_and_names_what_is_not_opened(app, as_user):
    assert submit(as_user(HEAD), 7).status_code == 302
    director = as_user(DIRECTOR)
    page = soup_of(director.get(review_url()))
    pdf, link = pdf_and_link()
    assert page.select_one("button[name=accept_remaining]") is None
    note = text_of(page.select_one("#not-opened"))
    assert note.startswith("“Accept all remaining” accepts only the items you have opened. You have not opened")
    assert f"“{pdf.title}”" in note and f"“{link.title}”" in note
    for item in (pdf, link):
        assert text_of(page.select_one(f"#opened-{item.id}")) == "You have not opened it yet."

    refused = accept_remaining(director)  # as a page loaded before, or sent by hand
    assert refused.status_code == 422
    summary = text_of(soup_of(refused).select_one(".govuk-error-summary"))
    assert f"Open “{pdf.title}” and “{link.title}” before accepting them with “Accept all remaining”" in summary
    assert decisions() == {}


def test_accept_all_remaining_accepts_what_was_opened_and_says_what_was_not(app, as_user):
    submit(as_user(HEAD), 7)
    director = as_user(DIRECTOR)
    pdf, link = pdf_and_link()
    followed = open_item(director, soup_of(director.get(review_url())), link)
    assert followed.status_code == 302 and followed.headers["Location"] == link.url

    page = soup_of(director.get(review_url()))
    assert text_of(page.select_one(f"#opened-{link.id}")).startswith("You opened it on 26 November 2026 at")
    assert text_of(page.select_one(f"#opened-{pdf.id}")) == "You have not opened it yet."
    button = page.select_one("#evidence-decisions button[name=accept_remaining]")
    assert text_of(button) == "Accept the 1 remaining item you have opened"
    assert "govuk-button--secondary" in button["class"]
    assert page.select_one("#not-opened").get_text().endswith(f"You have not opened “{pdf.title}”.")

    response = accept_remaining(director)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/review#evidence-{pdf.id}")
    assert decisions() == {link.id: ACCEPTED}
    banner = text_of(soup_of(director.get(review_url())).select_one(".govuk-notification-banner"))
    assert (
        f"1 decision saved. “{pdf.title}” was not accepted, because you have not opened it: open it, then decide."
        in banner
    )


def test_once_every_item_is_opened_accept_all_accepts_them_and_they_read_accepted_change(app, as_user):
    assert submit(as_user(HEAD), 7).status_code == 302
    director = as_user(DIRECTOR)
    page = soup_of(director.get(review_url()))
    items = page.select(".evidence-review")
    assert len(items) >= 2
    for item in rec(7).evidence:
        assert open_item(director, page, item).status_code in (200, 302)
    page = soup_of(director.get(review_url()))
    assert page.select_one("#not-opened") is None
    button = page.select_one("#evidence-decisions button[name=accept_remaining]")
    assert text_of(button) == f"Accept all {len(items)} remaining items"
    response = accept_remaining(director)
    assert response.status_code == 302 and response.headers["Location"].endswith("/review#decision")
    assert set(decisions().values()) == {ACCEPTED} and len(decisions()) == len(items)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.recommendation_id == rec(7).id, AuditEvent.verb == ACCEPTED)
    ).all()
    assert len(events) >= len(items)
    page = soup_of(director.get(review_url()))
    assert page.select_one("button[name=accept_remaining]") is None
    summaries = [text_of(s) for s in page.select(".tracker-change-decision summary")]
    assert len(summaries) == len(items) and all(s.startswith("Accepted – Change") for s in summaries)
    assert page.select_one("#decide-outcome") is not None


def test_only_the_reviewer_opening_an_item_counts(app, as_user):
    submit(as_user(HEAD), 7)
    pdf, link = pdf_and_link()
    head = as_user(HEAD)
    assert head.get(f"/evidence/{pdf.id}/download").status_code == 200
    assert head.get(f"/evidence/{link.id}/open").headers["Location"] == link.url
    assert db.session.scalars(select(EvidenceOpening)).all() == []
    director = as_user(DIRECTOR)
    director.get(f"/evidence/{pdf.id}/preview")
    director.get(f"/evidence/{pdf.id}/preview")
    # the pages drawn on the review page are not the PDF opened
    assert director.get(f"/evidence/{pdf.id}/pages/1.png").status_code == 200
    assert [(o.evidence_id, o.user_id) for o in db.session.scalars(select(EvidenceOpening))] == [
        (pdf.id, find_user(DIRECTOR).id)
    ]
    page = soup_of(director.get(review_url()))
    assert text_of(page.select_one(f"#opened-{pdf.id}")).startswith("You opened it on")
    assert text_of(page.select_one(f"#opened-{link.id}")) == "You have not opened it yet."


def test_accept_all_remaining_is_for_the_reviewer_only(app, as_user):
    submit(as_user(HEAD), 7)
    response = as_user(HEAD).post(f"/recommendations/{rec(7).id}/evidence/decisions", data={"accept_remaining": "y"})
    assert response.status_code == 403
    assert not db.session.scalars(select(EvidenceReview)).all()


def test_after_each_decision_the_page_returns_to_the_next_undecided_item(app, as_user):
    submit(as_user(HEAD), 7)
    director = as_user(DIRECTOR)
    items = rec(7).evidence
    for index, item in enumerate(items):
        response = director.post(
            f"/recommendations/{rec(7).id}/evidence/decisions",
            data=form_data(
                director.get(review_url()), "#evidence-decisions", save="y", **{f"e{item.id}-decision": "accepted"}
            ),
        )
        expected = f"#evidence-{items[index + 1].id}" if index + 1 < len(items) else "#decision"
        assert response.headers["Location"].endswith(expected)
