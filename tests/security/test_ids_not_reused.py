"""A deleted record's id is never handed out again, so the audit trail never joins two records' histories."""

from sqlalchemy import inspect, select, text

from tests.conftest import DEMO_TODAY, HEAD
from tracker.actions import services as actions
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.recommendations.models import Recommendation


def test_deleting_the_newest_action_does_not_free_its_id(app):
    head = find_user(HEAD)
    rec = db.session.scalar(select(Recommendation).where(Recommendation.number == 1))
    ids = []
    for attempt in range(3):
        action = actions.create_action(head, rec, f"Mistake {attempt}", None, DEMO_TODAY)
        ids.append(action.id)
        actions.delete_action(head, action)
    assert len(set(ids)) == 3 and ids == sorted(ids)
    for action_id in ids:
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "action", AuditEvent.entity_id == action_id)
        ).all()
        assert [e.verb for e in events] == ["create", "delete"], action_id


def test_every_table_with_an_integer_id_uses_autoincrement_on_sqlite(app):
    if db.engine.dialect.name != "sqlite":
        return
    inspector = inspect(db.session.connection())
    checked = 0
    for name in inspector.get_table_names():
        if inspector.get_pk_constraint(name)["constrained_columns"] == ["id"]:
            sql = db.session.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name}).scalar()
            assert "AUTOINCREMENT" in sql, name
            checked += 1
    assert checked > 20
