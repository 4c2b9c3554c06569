"""Assuring races a change from a second session: the change either lands first and blocks assurance, or waits for
the decision and is refused; never "Assured" with an open action. Real commits on separate connections, so these
tests build their own database (SQLite file, or a schema of their own on PostgreSQL) instead of the rolled-back one."""

import os
import threading
import time
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from tests.conftest import DEMO_TODAY, DIRECTOR, HEAD, OWNER
from tracker import create_app
from tracker.actions import services as actions
from tracker.actions.models import Action
from tracker.assurance import services
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.recommendations.locking import UnderReviewError
from tracker.recommendations.models import Recommendation

SCHEMA = "race_tests"
LATER = DEMO_TODAY + timedelta(days=400)


def backends():
    yield "sqlite"
    if os.environ.get("TEST_DATABASE_URL"):
        yield "postgresql"


def own_schema(url: str) -> str:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    return url


@pytest.fixture(scope="module", params=list(backends()))
def race_app(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("race")
    if request.param == "sqlite":
        url, options = f"sqlite:///{folder / 'race.sqlite'}", {}
    else:
        url = own_schema(os.environ["TEST_DATABASE_URL"])
        options = {"connect_args": {"options": f"-csearch_path={SCHEMA}"}}
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": options,
            "UPLOAD_PATH": str(folder / "uploads"),
            "WTF_CSRF_ENABLED": False,
            "MAIL_BACKEND": "sink",
        }
    )
    from tracker.demo.services import load_demo

    with app.app_context():
        upgrade()
        load_demo(today=DEMO_TODAY, password="demo-password-for-tests", quiet=True)
    yield app
    with app.app_context():
        db.engine.dispose()
    if request.param == "postgresql":
        own_schema(os.environ["TEST_DATABASE_URL"])


def rec_7() -> Recommendation:
    return db.session.scalar(select(Recommendation).where(Recommendation.number == 7))


def submitted_with_evidence_accepted(app) -> int:
    """Rec 7 withdrawn if need be, submitted, every evidence item accepted: only the decision remains."""
    with app.app_context():
        recommendation = rec_7()
        state = services.latest_submission(recommendation)
        if state is not None and state.state == "submitted":
            services.withdraw_submission(find_user(HEAD), recommendation)
        services.submit_recommendation(find_user(HEAD), rec_7())
        for item in rec_7().evidence:
            services.decide_evidence(find_user(DIRECTOR), rec_7(), item, "accepted", "")
        return rec_7().id


def test_a_change_waiting_on_the_decision_is_refused_after_it(race_app):
    submitted_with_evidence_accepted(race_app)
    outcome = {}

    def add_action():
        with race_app.app_context():
            try:
                actions.create_action(find_user(HEAD), rec_7(), "Racing addition", find_user(OWNER).id, LATER)
                outcome["result"] = "added"
            except UnderReviewError as error:
                outcome["result"] = str(error)
            except OperationalError:
                # SQLite without BEGIN IMMEDIATE gives up at once on a stale read; nothing is saved either way
                outcome["result"] = "database locked"

    with race_app.app_context():
        reviewer = find_user(DIRECTOR)
        recommendation = rec_7()
        assert services.reread_under_lock(recommendation) == "submitted"  # the reviewer holds the lock now
        other = threading.Thread(target=add_action)
        other.start()
        time.sleep(0.5)
        services.assure_recommendation(reviewer, recommendation, "All done.")
        other.join(timeout=30)
    assert not other.is_alive()
    if race_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert "is assured" in outcome["result"]
    assert outcome["result"] != "added"
    with race_app.app_context():
        assert services.latest_submission(rec_7()).state == "assured"
        assert [a.description for a in rec_7().actions].count("Racing addition") == 0
        services.reopen_recommendation(find_user(DIRECTOR), rec_7(), "Back to work for the next test.")


def test_a_change_that_lands_first_blocks_the_decision(race_app):
    rec_id = submitted_with_evidence_accepted(race_app)
    with race_app.app_context():
        reviewer = find_user(DIRECTOR)
        recommendation = rec_7()
        assert all(action.is_complete for action in recommendation.actions)  # the reviewer's view, now stale

        def land_first():
            # a writer that does not go through the lock (an import, a database fix): the re-check must catch it
            with race_app.app_context():
                db.session.add(
                    Action(
                        recommendation_id=rec_id,
                        description="Landed first",
                        owner_id=None,
                        original_target_on=LATER,
                        target_on=LATER,
                    )
                )
                db.session.commit()

        writer = threading.Thread(target=land_first)
        writer.start()
        writer.join(timeout=30)
        with pytest.raises((services.AssuranceError, OperationalError)) as refused:
            services.assure_recommendation(reviewer, recommendation, "Looks complete to me.")
        if isinstance(refused.value, services.AssuranceError):
            assert "“Landed first” is not complete" in str(refused.value)
        db.session.rollback()
    with race_app.app_context():
        assert services.latest_submission(rec_7()).state == "submitted"
        with pytest.raises(services.AssuranceError, match="“Landed first” is not complete"):
            services.assure_recommendation(find_user(DIRECTOR), rec_7())
        # leave rec 7 as the other test expects it
        services.withdraw_submission(find_user(HEAD), rec_7())
        db.session.delete(db.session.scalar(select(Action).where(Action.description == "Landed first")))
        db.session.commit()
