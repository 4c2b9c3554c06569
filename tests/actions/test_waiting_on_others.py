"""Dependencies that mean something: an action waiting on an unfinished one is completed only with a reason, kept
in the audit trail; its recommendation shows as blocked; the blocking action's owner is told how many wait."""

from sqlalchemy import select

from tests.conftest import HEAD, soup_of, text_of
from tracker.actions.models import Action, ActionDependency
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.recommendations.status import COMPLETE


def waiting_dependency() -> ActionDependency:
    return next(
        dep
        for dep in db.session.scalars(select(ActionDependency).order_by(ActionDependency.id))
        if dep.action.status != COMPLETE and dep.blocker.status != COMPLETE
    )


def test_completing_an_action_that_waits_needs_an_audited_reason(as_user):
    dependency = waiting_dependency()
    action = dependency.action
    client = as_user(HEAD)
    form = soup_of(client.get(f"/actions/{action.id}/updates/new"))
    assert dependency.blocker.description[:40] in text_of(form.select_one("#unfinished-blockers"))
    data = {"narrative": "Training delivered to all teams.", "status": COMPLETE, "version": action.version_id}
    refused = client.post(f"/actions/{action.id}/updates/new", data=data)
    page = soup_of(refused)
    assert refused.status_code == 200
    assert "To mark it complete anyway, give the reason" in text_of(page.select_one(".govuk-error-summary"))
    assert page.select_one("#override_reason-error") is not None
    db.session.expire_all()
    assert db.session.get(Action, action.id).status != COMPLETE

    reason = "Interim trainers from the region covered the gap; recruitment continues."
    done = client.post(f"/actions/{action.id}/updates/new", data={**data, "override_reason": reason})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == COMPLETE
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "action",
            AuditEvent.entity_id == action.id,
            AuditEvent.verb == "complete_override",
        )
    )
    assert event is not None and event.after == {"reason": reason}
    assert dependency.blocker_id in event.before["unfinished_blocker_ids"]
    assert event.actor.email == HEAD


def test_a_progress_note_alone_needs_no_reason(as_user):
    action = waiting_dependency().action
    response = as_user(HEAD).post(
        f"/actions/{action.id}/updates/new",
        data={"narrative": "Still waiting for the region.", "status": "", "version": action.version_id},
    )
    assert response.status_code == 302


def test_the_recommendation_shows_as_blocked_and_the_facts_come_before_the_dependencies(as_user):
    dependency = waiting_dependency()
    client = as_user(HEAD)
    page = soup_of(client.get(f"/recommendations/{dependency.action.recommendation_id}"))
    assert "Blocked" in text_of(page.select_one("#recommendation-blocked"))
    row = page.select_one(f'#actions-table tr[data-action-id="{dependency.action_id}"]')
    assert "Waits on others" in text_of(row)
    html = client.get(f"/actions/{dependency.action_id}").get_data(as_text=True)
    assert html.index('id="action-summary"') < html.index('id="dependencies"')


def test_the_blocking_owner_sees_how_many_wait_on_theirs(as_user):
    from tests.conftest import sign_in_as

    dependency = waiting_dependency()
    owner = dependency.blocker.owner
    client = sign_in_as(as_user(HEAD).application.test_client(), owner.email)
    home = soup_of(client.get("/"))
    task = home.select_one('[data-task="waiting-on-mine"]')
    assert task is not None
    count = int(text_of(task.select_one(".govuk-task-list__status")))
    assert text_of(task.a).startswith(f"{count} action")
    listed = soup_of(client.get(task.a["href"]))
    assert text_of(listed.select_one("#action-count strong")) == f"{count} action{'s' if count != 1 else ''}"
    assert text_of(listed.h1) == "Actions waiting on yours"
