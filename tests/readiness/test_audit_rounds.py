"""Recording internal case audit rounds: validation with inline errors, who may record, and the audit trail."""

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN, DIRECTOR, HEAD, HMPPS, OWNER, VIEWER, soup_of, text_of
from tests.readiness.conftest import AUDIT_COUNTS, AUDIT_SAMPLES, round_form
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.readiness.models import AuditRound, AuditRoundAnswer


def rounds() -> int:
    return db.session.scalar(select(func.count(AuditRound.id)))


def new_url(inspection) -> str:
    return f"/inspections/{inspection.id}/audit-rounds/new"


def test_head_of_pdu_records_a_round_and_percentages_are_computed(as_user, inspection):
    client = as_user(HEAD)
    response = client.post(
        new_url(inspection),
        data=round_form(inspection, counts=AUDIT_COUNTS, samples=AUDIT_SAMPLES, self_ratings={"1.1": "Good"}),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/inspections/{inspection.id}/readiness")
    saved = db.session.scalar(select(AuditRound))
    assert saved.held_on.isoformat() == "2026-11-12"
    assert {s.standard.code: s.cases_sampled for s in saved.standards if s.cases_sampled} == {
        "2.2": 20,
        "2.3": 20,
        "2.4": 21,
        "2.5": 20,
    }
    assert {s.standard.code: s.self_assessed_rating for s in saved.standards if s.self_assessed_rating} == {
        "1.1": "Good"
    }
    assert sorted(a.yes_count for a in saved.answers) == sorted(c for v in AUDIT_COUNTS.values() for c in v)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "audit_round"))
    assert event.verb == "create" and event.inspection_id == inspection.id and event.actor.email == HEAD
    page = soup_of(client.get(f"/inspections/{inspection.id}/readiness"))
    assert "Audit 1 (12 November 2026)" in text_of(page.select_one("#projection-table thead"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("twelve", "must be a whole number"),
        ("2.5", "must be a whole number"),
        ("-1", "must be 0 or more"),
        ("21", "must be no more than the 20 cases sampled"),
    ],
)
def test_bad_counts_are_shown_inline_and_nothing_is_saved(as_user, inspection, value, message):
    client = as_user(HEAD)
    data = round_form(inspection, counts=AUDIT_COUNTS)
    question = inspection.standards[4].key_questions[0]  # 2.2, question 1
    data[f"yes_{question.id}"] = value
    before_events = db.session.scalar(select(func.count(AuditEvent.id)))
    response = client.post(new_url(inspection), data=data)
    assert response.status_code == 200
    page = soup_of(response)
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None and message in text_of(summary)
    link = summary.select_one(f'a[href="#yes_{question.id}"]')
    assert link is not None
    inline = page.select_one(f"#yes_{question.id}-error")
    assert inline is not None and message in text_of(inline)
    assert page.title.get_text().startswith("Error:")
    assert rounds() == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before_events


def test_sample_must_be_a_positive_whole_number(as_user, inspection):
    data = round_form(inspection, counts=AUDIT_COUNTS)
    standard = inspection.standards[5]
    data[f"sample_{standard.id}"] = "0"
    page = soup_of(as_user(HEAD).post(new_url(inspection), data=data))
    assert "must be at least 1" in text_of(page.select_one(".govuk-error-summary"))
    assert rounds() == 0


def test_counts_without_a_sample_and_missing_counts_are_refused(as_user, inspection):
    data = round_form(inspection, counts=AUDIT_COUNTS)
    standard = inspection.standards[4]
    data[f"sample_{standard.id}"] = ""
    data[f"yes_{inspection.standards[5].key_questions[2].id}"] = ""
    page = soup_of(as_user(HEAD).post(new_url(inspection), data=data))
    summary = text_of(page.select_one(".govuk-error-summary"))
    assert "Enter the cases sampled" in summary
    assert "Enter the 'Yes' count for every key question of 2.3 Planning" in summary
    assert rounds() == 0


def test_date_is_required_and_not_in_the_future(as_user, inspection):
    client = as_user(HEAD)
    page = soup_of(
        client.post(new_url(inspection), data=round_form(inspection, held_on=("", "", ""), counts=AUDIT_COUNTS))
    )
    assert "Enter the date the audit was completed" in text_of(page.select_one(".govuk-error-summary"))
    page = soup_of(
        client.post(new_url(inspection), data=round_form(inspection, held_on=("1", "1", "2099"), counts=AUDIT_COUNTS))
    )
    assert "today or in the past" in text_of(page.select_one(".govuk-error-summary"))
    assert rounds() == 0


def test_an_empty_round_is_refused(as_user, inspection):
    page = soup_of(as_user(HEAD).post(new_url(inspection), data=round_form(inspection)))
    assert "at least one standard" in text_of(page.select_one(".govuk-error-summary"))
    assert rounds() == 0


def test_editing_a_round_records_before_and_after_and_refuses_a_stale_version(as_user, inspection):
    client = as_user(HEAD)
    client.post(new_url(inspection), data=round_form(inspection, counts=AUDIT_COUNTS))
    saved = db.session.scalar(select(AuditRound))
    url = f"/inspections/{inspection.id}/audit-rounds/{saved.id}/edit"
    form_page = soup_of(client.get(url))
    sample_2_2 = inspection.standards[4]
    assert form_page.select_one(f"#sample_{sample_2_2.id}")["value"] == "20"
    data = round_form(inspection, counts={**AUDIT_COUNTS, "2.2": (5, 16, 14)})
    data["version"] = str(saved.version)
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    answer = db.session.scalar(
        select(AuditRoundAnswer).where(AuditRoundAnswer.key_question_id == sample_2_2.key_questions[0].id)
    )
    assert answer.yes_count == 5
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.verb == "update", AuditEvent.entity_type == "audit_round")
    )
    assert event.before["yes_counts"][str(answer.key_question_id)] == 15
    assert event.after["yes_counts"][str(answer.key_question_id)] == 5
    data["version"] = "1"  # the form was opened before the last save
    page = soup_of(client.post(url, data=data))
    assert "Someone else changed this audit round" in text_of(page.select_one(".govuk-error-summary"))


@pytest.mark.parametrize("email", [DIRECTOR])
def test_regional_director_may_record(as_user, inspection, email):
    assert as_user(email).get(new_url(inspection)).status_code == 200


@pytest.mark.parametrize("email", [VIEWER, OWNER, HMPPS, ADMIN])
def test_others_may_read_readiness_but_not_record(as_user, inspection, email):
    client = as_user(email)
    assert client.get(f"/inspections/{inspection.id}/readiness").status_code == 200
    assert client.get(new_url(inspection)).status_code == 403
    assert client.post(new_url(inspection), data=round_form(inspection, counts=AUDIT_COUNTS)).status_code == 403
    assert rounds() == 0


def test_head_of_another_pdu_gets_404_on_every_route(client, app, inspection):
    from tests.conftest import sign_in_as
    from tracker.auth.models import HEAD_OF_PDU
    from tracker.auth.services import create_user
    from tracker.organisations.services import find_pdu

    other = create_user(
        "head.brent@example.org", "Brent Head", "a-long-password-1", [(HEAD_OF_PDU, find_pdu("Brent").id)]
    )
    db.session.add(other)
    as_head = sign_in_as(client, HEAD)
    as_head.post(new_url(inspection), data=round_form(inspection, counts=AUDIT_COUNTS))
    saved = db.session.scalar(select(AuditRound))
    db.session.commit()
    as_user_of_other = sign_in_as(client, "head.brent@example.org")
    for url in (
        f"/inspections/{inspection.id}/readiness",
        f"/inspections/{inspection.id}/readiness/print",
        new_url(inspection),
        f"/inspections/{inspection.id}/audit-rounds/{saved.id}/edit",
        f"/inspections/{inspection.id}/action-plan.xlsx",
        f"/inspections/{inspection.id}/action-plan.csv",
        f"/dashboard/regions/{inspection.pdu.parent_id}",
    ):
        # another PDU's inspection is not theirs to see: answered as if it did not exist
        assert as_user_of_other.get(url).status_code == 404, url
    assert as_user_of_other.post(f"/inspections/{inspection.id}/audit-rounds/{saved.id}/edit").status_code == 404


def test_signed_out_users_are_sent_to_sign_in(client, inspection):
    for url in (f"/inspections/{inspection.id}/readiness", "/dashboard", new_url(inspection)):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response.headers["Location"]
