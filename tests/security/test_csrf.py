"""With CSRF protection on (as in production), every state-changing route refuses a request without a valid
token with the styled 400 page, and nothing in the database changes."""

import re
from collections.abc import Iterator

import pytest
from flask import Flask, url_for
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.conftest import ADMIN, DEMO_TODAY, HEAD, OWNER, make_app, sign_in_as, soup_of, text_of
from tests.security.helpers import snapshot
from tracker.actions.models import Action
from tracker.auth.services import find_user
from tracker.extensions import db

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture(scope="module")
def csrf_app(tmp_path_factory) -> Iterator[Flask]:
    app = make_app(tmp_path_factory.mktemp("csrf"), None, WTF_CSRF_ENABLED=True)
    from tracker.demo.services import load_demo

    with app.app_context():
        load_demo(today=DEMO_TODAY, password="demo-password-for-tests", quiet=True)
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def csrf_context(csrf_app) -> Iterator[None]:
    """Each test reads the database in a context of its own, never one held across tests."""
    with csrf_app.app_context():
        yield
        db.session.remove()


def state_changing_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route that accepts a state-changing method, with plausible ids."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            for method in sorted((rule.methods or set()) & STATE_CHANGING):
                values = {}
                for name, converter in rule._converters.items():
                    if isinstance(converter, IntegerConverter):
                        values[name] = 1
                    elif isinstance(converter, AnyConverter):
                        values[name] = sorted(converter.items)[0]
                    else:
                        values[name] = "pdu"
                routes.append((rule.endpoint, method, url_for(rule.endpoint, **values)))
    return routes


def owned_action_id() -> int:
    owner = find_user(OWNER)
    action_id = db.session.scalar(select(Action.id).where(Action.owner_id == owner.id).order_by(Action.id))
    db.session.remove()  # end the read, or SQLite keeps the request's write waiting on it
    return action_id


def test_there_are_state_changing_routes_to_check(csrf_app):
    endpoints = {endpoint for endpoint, _, _ in state_changing_routes(csrf_app)}
    assert {"auth.sign_in", "actions.post_update", "evidence.upload_action_evidence", "admin.create_user"} <= endpoints


@pytest.mark.parametrize("email", [None, HEAD, ADMIN])
def test_every_state_changing_route_refuses_a_request_without_a_token(csrf_app, email):
    wrong = []
    before = snapshot(include_bookkeeping=True)
    db.session.remove()
    for endpoint, method, url in state_changing_routes(csrf_app):
        client = csrf_app.test_client()
        if email:
            sign_in_as(client, email)
        response = client.open(url, method=method, data={"csrf_token": "forged", "title": "x", "narrative": "x"})
        if url.startswith("/api/"):
            # The API takes no cookie-authenticated writes at all; bearer-token clients are not exposed to CSRF.
            if response.status_code not in (401, 403):
                wrong.append(f"{method} {url}: {response.status_code}")
            continue
        page = soup_of(response)
        if response.status_code != 400 or text_of(page.h1) != "Sorry, there is a problem with your request":
            wrong.append(f"{method} {endpoint} {url}: {response.status_code} {text_of(page.h1) if page.h1 else ''}")
        elif "Nothing was saved" not in text_of(page.select_one("main")):
            wrong.append(f"{method} {endpoint}: the 400 page does not say nothing was saved")
    assert wrong == [], "\n".join(wrong)
    assert snapshot(include_bookkeeping=True) == before


def test_the_same_request_with_its_token_is_accepted(csrf_app):
    client = sign_in_as(csrf_app.test_client(), OWNER)
    url = f"/actions/{owned_action_id()}/updates/new"
    form = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', form)
    assert token, "the form carries a CSRF token"
    version = soup_of(client.get(url)).select_one("input[name=version]")["value"]
    data = {"csrf_token": token.group(1) or token.group(2), "narrative": "Checked with a token.", "version": version}
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data={**data, "csrf_token": "forged"}).status_code == 400
