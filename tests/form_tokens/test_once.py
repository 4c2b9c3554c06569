"""A form sent twice (the Back button, a double click, a retry) saves once, and the second copy lands the person
on what the first one did with a neutral notice."""

from datetime import timedelta

from sqlalchemy import func, select

from tests.assurance.conftest import form_data, rec
from tests.conftest import HEAD, OWNER, soup_of, text_of
from tracker.actions.models import Action, ProgressUpdate
from tracker.auth.services import find_user
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.form_tokens.models import FormSubmission
from tracker.form_tokens.services import ALREADY_SAVED, discard_old_tokens
from tracker.recommendations.models import Submission


def owned_action() -> Action:
    owner = find_user(OWNER)
    return db.session.scalar(select(Action).where(Action.owner_id == owner.id).order_by(Action.id))


def updates_on(action_id: int, narrative: str) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(ProgressUpdate.id)).where(
            ProgressUpdate.action_id == action_id, ProgressUpdate.narrative == narrative
        )
    )


def banner(page) -> str:
    return " ".join(text_of(b) for b in page.select(".govuk-notification-banner"))


def test_every_post_form_carries_a_token_of_its_own(app, client_for):
    page = soup_of(client_for(HEAD).get(f"/recommendations/{rec(7).id}"))
    forms = page.select("form[method=post]")
    assert forms, "the recommendation page has post forms (sign out at least)"
    tokens = [form.select_one("input[name=submission_token]")["value"] for form in forms]
    assert len(set(tokens)) == len(tokens)
    assert all(len(token) == 32 for token in tokens)
    # a form that only reads (the search and filter forms) needs none
    assert all(form.select_one("input[name=submission_token]") is None for form in page.select("form[method=get]"))


def test_a_progress_update_sent_twice_is_saved_once(app, client_for):
    action = owned_action()
    client = client_for(OWNER)
    url = f"/actions/{action.id}/updates/new"
    data = form_data(client.get(url), "main form", narrative="Clinic held with all SPOs.")
    first = client.post(url, data=data)
    assert first.status_code == 302
    assert "Progress update posted." in banner(soup_of(client.get(first.headers["Location"])))
    again = client.post(url, data=data)  # Back, then "Post update" again
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert updates_on(action.id, "Clinic held with all SPOs.") == 1
    page = soup_of(client.get(again.headers["Location"]))
    assert ALREADY_SAVED in banner(page)
    assert "Progress update posted." not in banner(page)


def test_a_form_refused_with_errors_can_be_corrected_and_sent_with_the_same_token(app, client_for):
    action = owned_action()
    client = client_for(OWNER)
    url = f"/actions/{action.id}/updates/new"
    data = form_data(client.get(url), "main form", narrative="  ")
    refused = client.post(url, data=data)
    assert refused.status_code == 200
    assert "Enter what has happened" in text_of(soup_of(refused).select_one(".govuk-error-summary"))
    assert db.session.get(FormSubmission, data["submission_token"]) is None
    assert client.post(url, data={**data, "narrative": "Corrected."}).status_code == 302
    assert updates_on(action.id, "Corrected.") == 1


def test_submitting_for_assurance_twice_lands_on_the_submission_not_an_error(app, client_for):
    client = client_for(HEAD)
    recommendation = rec(7)
    url = f"/recommendations/{recommendation.id}/submit"
    data = form_data(client.get(url), "main form")
    assert client.post(url, data=data).status_code == 302
    again = client.post(url, data=data)
    assert again.status_code == 303
    page = soup_of(client.get(again.headers["Location"]))
    assert ALREADY_SAVED in banner(page)
    assert page.select_one(".govuk-error-summary") is None
    db.session.expire_all()
    assert (
        db.session.scalar(select(func.count(Submission.id)).where(Submission.recommendation_id == recommendation.id))
        == 1
    )


def test_a_token_is_one_persons_and_old_tokens_are_forgotten(app, client_for):
    action = owned_action()
    url = f"/actions/{action.id}/updates/new"
    data = form_data(client_for(OWNER).get(url), "main form", narrative="Owner's note.")
    assert client_for(OWNER).post(url, data=data).status_code == 302
    # someone else posting with that token is treated as posting without one: saved, not redirected
    head = client_for(HEAD)
    assert head.post(url, data={**data, "narrative": "Head's note."}).status_code == 302
    assert updates_on(action.id, "Head's note.") == 1
    assert "Progress update posted." in banner(soup_of(head.get(f"/actions/{action.id}")))

    claimed = db.session.get(FormSubmission, data["submission_token"])
    claimed.sent_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert discard_old_tokens() == 1
    assert db.session.get(FormSubmission, data["submission_token"]) is None
