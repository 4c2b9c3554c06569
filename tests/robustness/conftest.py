"""The hostile-input tests run on an app of their own, prepared once so that every form has something to check
input against: recommendation 7 submitted for assurance, and an import draft waiting for review."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import ADMIN, DEMO_TODAY, HEAD, database_urls, demo_app
from tracker.assurance.services import submit_recommendation
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.importer.drafts import create_draft
from tracker.recommendations.models import Recommendation

REPORT = Path(__file__).resolve().parents[1] / "importer" / "fixtures" / "lambeth-2023.html"


def submit_and_upload() -> None:
    rec7 = db.session.scalar(select(Recommendation).where(Recommendation.number == 7))
    submit_recommendation(find_user(HEAD), rec7)
    create_draft(find_user(ADMIN), REPORT.name, REPORT.read_bytes())
    db.session.commit()


@pytest.fixture(scope="session", params=[name for name, _ in database_urls()])
def app(request, tmp_path_factory) -> Iterator[Flask]:
    """The demo with recommendation 7 submitted and a draft waiting, committed once; each test still rolls back."""
    yield from demo_app(request, tmp_path_factory, DEMO_TODAY, suffix="hostile", prepare=submit_and_upload)
