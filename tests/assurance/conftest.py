"""Helpers for assurance tests: the demo's recommendations by number, more signed-in clients, form posting."""

import pytest
from sqlalchemy import select

from tests.conftest import PageClient, sign_in_as, soup_of
from tracker.extensions import db
from tracker.recommendations.models import Recommendation

#: the second HMPPS lead the demo adds, so HMPPS recommendations have an independent reviewer
ASSURER = "hmpps.assurance@example.org"


def rec(number: int) -> Recommendation:
    return db.session.scalar(select(Recommendation).where(Recommendation.number == number).order_by(Recommendation.id))


def form_data(page, form_selector: str, **overrides) -> dict:
    """What a browser would post from the form on the page: its hidden and filled fields, plus overrides."""
    form = soup_of(page).select_one(form_selector)
    assert form is not None, form_selector
    data = {}
    for field in form.select("input[name], textarea[name]"):
        if field.get("type") in ("radio", "checkbox") and not field.has_attr("checked"):
            continue
        data[field["name"]] = field.get("value", "") if field.name == "input" else field.get_text()
    data.update(overrides)
    return data


@pytest.fixture
def client_for(app):
    """A fresh signed-in client per call: separate cookies, as two people in two browsers."""

    def make(email: str):
        app.test_client_class = PageClient
        return sign_in_as(app.test_client(), email)

    return make
