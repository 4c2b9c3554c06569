"""With CSRF protection on (as in production), every state-changing route refuses a request without a valid
token with the styled 400 page, and nothing in the database changes. A form of ours that outlived its session is
refused too, but takes the person back to the page it was on with a message rather than to a dead end."""

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


def update_form(client, action_id: int) -> dict[str, str]:
    """What the progress-update form sends, as its page gave it to this client."""
    page = soup_of(client.get(f"/actions/{action_id}/updates/new"))
    return {
        "csrf_token": page.select_one("input[name=csrf_token]")["value"],
        "version": page.select_one("input[name=version]")["value"],
        "narrative": "Typed before the session ended.",
    }


def banners(response) -> list[str]:
    return [text_of(banner) for banner in soup_of(response).select(".govuk-notification-banner__content")]


def updates_saved() -> int:
    from tracker.actions.models import ProgressUpdate

    count = db.session.scalar(select(db.func.count()).select_from(ProgressUpdate))
    db.session.remove()
    return count


TIMED_OUT = "Your session timed out, so that was not saved. Please try again."


def test_a_form_sent_after_the_session_ended_goes_back_to_its_page_with_a_message(csrf_app):
    action_id = owned_action_id()
    form_page = f"/actions/{action_id}/updates/new"
    data = update_form(sign_in_as(csrf_app.test_client(), OWNER), action_id)
    before = updates_saved()
    # The browser has dropped the expired session cookie: the same form arrives with no session at all.
    later = csrf_app.test_client()
    response = later.post(form_page, data=data, headers={"Referer": f"http://localhost{form_page}"})
    assert response.status_code == 303
    assert response.headers["Location"] == form_page
    # The form's page asks a signed-out person to sign in, and says what happened.
    sign_in = later.get(form_page, follow_redirects=True)
    assert text_of(soup_of(sign_in).h1) == "Sign in"
    assert TIMED_OUT in banners(sign_in)
    assert updates_saved() == before


def test_a_form_from_before_signing_in_again_goes_back_signed_in_with_a_message(csrf_app):
    action_id = owned_action_id()
    form_page = f"/actions/{action_id}/updates/new"
    client = sign_in_as(csrf_app.test_client(), OWNER)
    data = update_form(client, action_id)
    # Signed out (in another tab) and in again: the session, and its CSRF token, are new.
    assert client.post("/sign-out", data={"csrf_token": data["csrf_token"]}).status_code == 302
    sign_in_as(client, OWNER)
    client.get(form_page)
    before = updates_saved()
    response = client.post(form_page, data=data, headers={"Referer": f"http://localhost{form_page}"})
    assert response.status_code == 303 and response.headers["Location"] == form_page
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert TIMED_OUT in banners(page)
    assert soup_of(page).select_one("textarea[name=narrative]") is not None, "the form is there to try again"
    assert updates_saved() == before


@pytest.mark.parametrize("referrer", [None, "https://evil.example/actions/1", "http://localhost//evil.example/x"])
def test_without_a_page_on_this_site_to_go_back_to_it_goes_home(csrf_app, referrer):
    action_id = owned_action_id()
    data = update_form(sign_in_as(csrf_app.test_client(), OWNER), action_id)
    headers = {"Referer": referrer} if referrer else {}
    response = csrf_app.test_client().post(f"/actions/{action_id}/updates/new", data=data, headers=headers)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_a_made_up_token_is_still_refused_with_the_error_page_even_with_a_referrer(csrf_app):
    action_id = owned_action_id()
    form_page = f"/actions/{action_id}/updates/new"
    data = {**update_form(sign_in_as(csrf_app.test_client(), OWNER), action_id), "csrf_token": "forged.token.x"}
    before = updates_saved()
    response = csrf_app.test_client().post(form_page, data=data, headers={"Referer": f"http://localhost{form_page}"})
    assert response.status_code == 400
    assert text_of(soup_of(response).h1) == "Sorry, there is a problem with your request"
    assert updates_saved() == before


def test_the_api_answers_json_not_a_redirect_to_a_stale_form_token(csrf_app):
    action_id = owned_action_id()
    data = update_form(sign_in_as(csrf_app.test_client(), OWNER), action_id)
    response = csrf_app.test_client().post(
        f"/api/v1/actions/{action_id}/updates", data=data, headers={"Referer": f"http://localhost/actions/{action_id}"}
    )
    assert response.status_code in (400, 401, 403)
    assert response.is_json and "error" in response.get_json()
