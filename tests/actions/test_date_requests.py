"""Re-dating under governance: the owner asks with a reason, the recommendation's lead approves or refuses, and a
date moved again once slipped, or beyond `[actions] redate_limit_days`, needs the reviewer's agreement too. Each
step is audited, and told to the next person through the event notifications."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD, OWNER, date_fields, soup_of, text_of
from tracker.actions.models import APPROVED, AWAITING_AGREEMENT, REFUSED, REQUESTED, Action, DateChangeRequest
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.db_types import today
from tracker.extensions import db
from tracker.mail.content import Links
from tracker.notifications.events import plan_message
from tracker.work_events.models import NotificationEvent


def owners_action() -> Action:
    return db.session.scalar(select(Action).where(Action.description.startswith("Introduce monthly risk of harm")))


def ask(client, action, days_later: int, reason="Audit tool licence delayed."):
    new_on = action.target_on + timedelta(days=days_later)
    response = client.post(
        f"/actions/{action.id}/request-date", data={"target_on": date_fields(new_on), "reason": reason}
    )
    assert response.status_code == 302, text_of(soup_of(response).select_one(".govuk-error-summary"))
    db.session.expire_all()
    return db.session.scalar(
        select(DateChangeRequest).where(DateChangeRequest.action_id == action.id).order_by(DateChangeRequest.id.desc())
    )


def decide(client, request, verb: str, decision: str, reason: str = ""):
    return client.post(
        f"/actions/{request.action_id}/date-requests/{request.id}/{verb}", data={"decision": decision, "reason": reason}
    )


def audit_verbs(request) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.verb)
            .where(AuditEvent.entity_type == "date_change_request", AuditEvent.entity_id == request.id)
            .order_by(AuditEvent.id)
        )
    )


def told(kind: str, email: str) -> list[NotificationEvent]:
    return list(
        db.session.scalars(
            select(NotificationEvent).where(
                NotificationEvent.kind == kind, NotificationEvent.recipient_id == find_user(email).id
            )
        )
    )


def test_the_owner_asks_and_the_lead_approves(as_user):
    action = owners_action()
    before = action.target_on
    owner = as_user(OWNER)
    page = soup_of(owner.get(f"/actions/{action.id}"))
    assert page.select_one("#request-date-link") is not None
    request = ask(owner, action, 14)
    assert request.state == REQUESTED and request.requested_by.email == OWNER
    assert db.session.get(Action, action.id).target_on == before
    [event] = told("date_requested", HEAD)
    assert "Audit tool licence delayed" in event.comment

    head = as_user(HEAD)
    page = soup_of(head.get(f"/actions/{action.id}"))
    assert "Approve or refuse it" in text_of(page.select_one("#date-request"))
    assert decide(head, request, "decide", "approve").status_code == 302
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert action.target_on == before + timedelta(days=14) and action.is_slipped
    assert action.revisions[-1].reason == "Audit tool licence delayed."
    assert db.session.get(DateChangeRequest, request.id).state == APPROVED
    assert audit_verbs(request) == ["create", "approve"]
    assert told("date_decided", OWNER)


def test_the_lead_refuses_with_a_reason(as_user):
    action = owners_action()
    before = action.target_on
    request = ask(as_user(OWNER), action, 7)
    head = as_user(HEAD)
    refused = decide(head, request, "decide", "refuse")
    assert refused.status_code == 200
    assert "Enter why the new date is refused" in text_of(soup_of(refused).select_one(".govuk-error-summary"))
    assert decide(head, request, "decide", "refuse", "Keep the date: the tool is not needed.").status_code == 302
    db.session.expire_all()
    assert db.session.get(DateChangeRequest, request.id).state == REFUSED
    assert db.session.get(Action, action.id).target_on == before
    assert audit_verbs(request) == ["create", "refuse"]
    [event] = told("date_decided", OWNER)
    assert event.comment.startswith("refused") and "the tool is not needed" in event.comment


def test_beyond_the_limit_the_director_must_agree(as_user, app):
    action = owners_action()
    before = action.target_on
    assert app.config.get("ACTIONS_REDATE_LIMIT_DAYS", 28) == 28
    request = ask(as_user(OWNER), action, 40)
    assert decide(as_user(HEAD), request, "decide", "approve", "Fair, given the licence.").status_code == 302
    db.session.expire_all()
    request = db.session.get(DateChangeRequest, request.id)
    assert request.state == AWAITING_AGREEMENT and request.approved_by.email == HEAD
    assert db.session.get(Action, action.id).target_on == before
    [event] = told("date_agreement", DIRECTOR)
    message = plan_message(find_user(DIRECTOR), [event], Links())
    assert "asks to move the target date" in message.body_text
    assert "NEW TARGET DATES FOR YOUR AGREEMENT" in message.body_text

    assert as_user(HEAD).get(f"/actions/{action.id}/date-requests/{request.id}/agree").status_code == 403
    director = as_user(DIRECTOR)
    assert "Agree or refuse it" in text_of(soup_of(director.get(f"/actions/{action.id}")).select_one("#date-request"))
    assert decide(director, request, "agree", "approve").status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).target_on == before + timedelta(days=40)
    assert db.session.get(DateChangeRequest, request.id).state == APPROVED
    assert audit_verbs(request) == ["create", "approve", "agree"]
    assert told("date_decided", OWNER) and told("date_decided", HEAD)


def test_the_lead_re_dating_a_slipped_action_needs_the_directors_agreement(as_user):
    action = db.session.scalar(select(Action).where(Action.description.startswith("Agree a domestic abuse call-out")))
    head = as_user(HEAD)

    def redate(days: int):
        return head.post(
            f"/actions/{action.id}/revise-date",
            data={
                "target_on": date_fields(today() + timedelta(days=days)),
                "reason": "Police restructure.",
                "version": db.session.get(Action, action.id).version_id,
            },
        )

    assert redate(10).status_code == 302  # within the limit and not yet slipped: it takes effect
    db.session.expire_all()
    slipped_on = db.session.get(Action, action.id).target_on
    assert db.session.get(Action, action.id).is_slipped
    page = soup_of(head.get(f"/actions/{action.id}/revise-date"))
    assert "already slipped" in text_of(page.select_one("#agreement-rule"))
    assert redate(15).status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).target_on == slipped_on
    request = db.session.scalar(select(DateChangeRequest).where(DateChangeRequest.action_id == action.id))
    assert request.state == AWAITING_AGREEMENT and audit_verbs(request) == ["create"]
    assert told("date_agreement", DIRECTOR)
    director = as_user(DIRECTOR)
    assert decide(director, request, "agree", "refuse", "Escalate to the police lead instead.").status_code == 302
    db.session.expire_all()
    assert db.session.get(DateChangeRequest, request.id).state == REFUSED
    assert db.session.get(Action, action.id).target_on == slipped_on
    assert audit_verbs(request) == ["create", "refuse"]
    assert told("date_decided", HEAD)
