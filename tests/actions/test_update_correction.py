"""An update's author may correct or withdraw it within `[actions] update_correction_minutes` of posting it; the
history records both; after the window, and for anyone else, an update is permanent."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD, OWNER, soup_of, text_of
from tracker.actions import services
from tracker.actions.models import Action, ProgressUpdate
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.db_types import utcnow
from tracker.extensions import db


@pytest.fixture
def action_id(app) -> int:
    owner = find_user(OWNER)
    return db.session.scalar(
        select(Action.id).where(Action.owner_id == owner.id, Action.status == "in_progress").order_by(Action.id)
    )


def post(client, action_id: int, narrative: str, status: str = "") -> int:
    response = client.post(f"/actions/{action_id}/updates/new", data={"narrative": narrative, "status": status})
    assert response.status_code == 302
    return db.session.scalar(select(ProgressUpdate.id).where(ProgressUpdate.narrative == narrative))


def event(update_id: int, verb: str) -> AuditEvent | None:
    return db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "progress_update", AuditEvent.entity_id == update_id, AuditEvent.verb == verb
        )
    )


def test_the_author_corrects_an_update_and_the_history_keeps_the_original(app, as_user, action_id):
    client = as_user(OWNER)
    update_id = post(client, action_id, "Clinic held with Jon Smiht.")
    page = soup_of(client.get(f"/actions/{action_id}"))
    assert page.select_one(f"a[href='/updates/{update_id}/correct']") is not None
    form = soup_of(client.get(f"/updates/{update_id}/correct"))
    assert form.select_one("textarea[name=narrative]").get_text() == "Clinic held with Jon Smiht."

    assert (
        client.post(f"/updates/{update_id}/correct", data={"narrative": "Clinic held with Jon Smith."}).status_code
        == 302
    )
    page = soup_of(client.get(f"/actions/{action_id}"))
    assert "Clinic held with Jon Smith. Taylor Okafor" in text_of(page.select_one("#progress-updates"))
    assert "(corrected)" in text_of(page.select_one("#progress-updates"))
    db.session.expire_all()
    corrected = event(update_id, "correct")
    assert (corrected.before, corrected.after) == (
        {"narrative": "Clinic held with Jon Smiht."},
        {"narrative": "Clinic held with Jon Smith."},
    )
    recommendation_id = db.session.get(Action, action_id).recommendation_id
    page = soup_of(as_user(DIRECTOR).get(f"/recommendations/{recommendation_id}"))
    history = text_of(page.select_one("#history-events"))
    assert "Corrected a progress update" in history


def test_nobody_else_may_change_it(app, as_user, action_id):
    update_id = post(as_user(OWNER), action_id, "Owner's own words.")
    head = as_user(HEAD)
    assert head.get(f"/updates/{update_id}/correct").status_code == 403
    assert head.post(f"/updates/{update_id}/withdraw", data={}).status_code == 403
    assert soup_of(head.get(f"/actions/{action_id}")).select_one(f"a[href='/updates/{update_id}/correct']") is None
    db.session.expire_all()
    assert db.session.get(ProgressUpdate, update_id).narrative == "Owner's own words."


def test_after_the_window_an_update_is_permanent(app, as_user, action_id):
    client = as_user(OWNER)
    update_id = post(client, action_id, "Posted at nine.")
    posted = utcnow()
    with time_machine.travel(posted + timedelta(minutes=20), tick=False):  # still working, so still signed in
        assert (
            soup_of(client.get(f"/actions/{action_id}")).select_one(f"a[href='/updates/{update_id}/correct']")
            is not None
        )
    with time_machine.travel(posted + timedelta(minutes=31), tick=False):
        page = soup_of(client.get(f"/actions/{action_id}"))
        assert "Posted at nine." in text_of(page.select_one("#progress-updates"))
        assert page.select_one(f"a[href='/updates/{update_id}/correct']") is None
        assert client.post(f"/updates/{update_id}/correct", data={"narrative": "Changed late"}).status_code == 403
        assert client.post(f"/updates/{update_id}/withdraw", data={}).status_code == 403
        with pytest.raises(services.ActionError, match="within 30 minutes"):
            services.correct_update(find_user(OWNER), db.session.get(ProgressUpdate, update_id), "Changed late")
    db.session.expire_all()
    assert db.session.get(ProgressUpdate, update_id).narrative == "Posted at nine."


def test_the_window_is_configurable(app, as_user, action_id, monkeypatch):
    monkeypatch.setitem(app.config, "ACTIONS_UPDATE_CORRECTION_MINUTES", 5)
    client = as_user(OWNER)
    update_id = post(client, action_id, "Five minutes only.")
    with time_machine.travel(utcnow() + timedelta(minutes=4), tick=False):
        assert client.get(f"/updates/{update_id}/correct").status_code == 200
    with time_machine.travel(utcnow() + timedelta(minutes=6), tick=False):
        assert client.get(f"/updates/{update_id}/correct").status_code == 403


def test_withdrawing_an_update_undoes_its_change_of_status(app, as_user, action_id):
    client = as_user(OWNER)
    update_id = post(client, action_id, "Posted on the wrong action.", status="complete")
    db.session.expire_all()
    assert db.session.get(Action, action_id).status == "complete"
    page = soup_of(client.get(f"/updates/{update_id}/withdraw"))
    assert "changes the status back to in progress" in text_of(page.select_one("main"))
    assert client.post(f"/updates/{update_id}/withdraw", data={}).status_code == 302
    db.session.expire_all()
    action = db.session.get(Action, action_id)
    assert (action.status, action.completed_on) == ("in_progress", None)
    assert db.session.get(ProgressUpdate, update_id) is None
    withdrawn = event(update_id, "withdraw")
    assert withdrawn.before["narrative"] == "Posted on the wrong action."
    assert withdrawn.after == {"status": "in_progress"}
    assert "Posted on the wrong action." not in text_of(soup_of(client.get(f"/actions/{action_id}")).select_one("main"))


def test_a_status_change_overtaken_by_a_later_one_cannot_be_withdrawn(app, as_user, action_id):
    client = as_user(OWNER)
    first = post(client, action_id, "Done, I thought.", status="complete")
    post(client, action_id, "Not done after all.", status="in_progress")
    page = soup_of(client.post(f"/updates/{first}/withdraw", data={}))
    assert "The status has changed since this update" in text_of(page.select_one("#withdraw-problem"))
    db.session.expire_all()
    assert db.session.get(ProgressUpdate, first) is not None
    assert db.session.get(Action, action_id).status == "in_progress"
