"""The demo data: the whole Barking report and plan, loaded once however often the command runs."""

from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import DEMO_TODAY
from tracker.actions.models import Action
from tracker.auth.models import User
from tracker.demo.services import load_demo
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.models import PDU, REGION, Organisation
from tracker.recommendations.status import COMPLETE


def counts():
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Inspection, Action, Evidence, User, Organisation)
    }


def test_running_the_demo_twice_duplicates_nothing(app):
    with app.app_context():
        before = counts()
        result = load_demo(today=DEMO_TODAY, password="demo-password-for-tests")
        assert result.created is False
        assert counts() == before


def test_demo_has_the_organisations_users_and_plan(app):
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Organisation.kind == REGION)) == 12
        london = db.session.scalar(select(Organisation).where(Organisation.name == "London"))
        assert len([c for c in london.children if c.kind == PDU]) == 18
        emails = set(db.session.scalars(select(User.email)))
        assert {
            "admin@example.org",
            "hmpps.lead@example.org",
            "london.director@example.org",
            "head.bdh@example.org",
            "action.owner@example.org",
            "inspector@example.org",
        } <= emails
        inspection = db.session.scalar(select(Inspection))
        assert inspection.expected_reinspection_on > DEMO_TODAY
        actions = list(db.session.scalars(select(Action)))
        assert any(a.is_overdue(DEMO_TODAY) for a in actions)
        assert any(not a.is_complete and 0 <= (a.target_on - DEMO_TODAY).days <= 14 for a in actions)
        assert any(a.status == COMPLETE and a.evidence for a in actions)


def test_demo_cli_prints_sign_ins(app):
    result = app.test_cli_runner().invoke(args=["tracker", "demo"])
    assert result.exit_code == 0, result.output
    assert "Already loaded" in result.output
    assert "head.bdh@example.org" in result.output


def test_each_database_keeps_its_own_demo_password_file():
    from tracker import create_app
    from tracker.demo.cli import sign_ins_file

    def file_for(url: str) -> tuple[Path, Path]:
        app = create_app({"DATABASE_URL": url})
        with app.app_context():
            return sign_ins_file(), Path(app.instance_path)

    default, instance = file_for("sqlite:///tracker.sqlite")
    assert default == instance / "demo-sign-ins.txt"
    other, _ = file_for("sqlite:///other.sqlite")
    postgres, _ = file_for("postgresql+psycopg://postgres:secret@127.0.0.1:5432/test")
    assert len({default, other, postgres}) == 3
    assert other.parent == postgres.parent == instance and "secret" not in postgres.name
