"""Every route declares who may reach it, and for every demo role the server lets in exactly those."""

import pytest
from sqlalchemy import select

from tests.conftest import sign_in_as
from tests.matrix import HIDDEN, MATRIX, ROLES
from tracker.actions.models import Action, ActionDependency
from tracker.auth.services import find_user
from tracker.evidence.models import FILE, Evidence
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.services import find_pdu

PUBLIC_ENDPOINTS = {"static"}


@pytest.fixture
def ids(app):
    inspection = db.session.scalar(select(Inspection).order_by(Inspection.id))
    recs = {r.number: r for r in inspection.recommendations}
    owner = find_user("action.owner@example.org")
    action = db.session.scalar(
        select(Action).where(Action.recommendation_id == recs[1].id, Action.owner_id == owner.id).order_by(Action.id)
    )
    evidence = db.session.scalar(select(Evidence).where(Evidence.kind == FILE).order_by(Evidence.id))
    return {
        "inspection": inspection.id,
        "rec_pdu": recs[1].id,
        "rec_region": recs[8].id,
        "rec_hmpps": recs[12].id,
        "rec_ready": recs[7].id,
        "rec_region_ready": recs[9].id,
        "rec_hmpps_ready": recs[13].id,
        "action_owned": action.id,
        "update_owned": action.updates[0].id,
        "action_region": recs[8].actions[0].id,
        "evidence_file": evidence.id,
        "user_head": find_user("head.bdh@example.org").id,
        "user_head_role": find_user("head.bdh@example.org").roles[0].id,
        "pdu": find_pdu("Barking, Dagenham and Havering").id,
        "region": find_pdu("Barking, Dagenham and Havering").parent_id,
        "rec_ready_evidence": recs[7].evidence[0].id,
        "action_pdu_5": recs[5].actions[0].id,
        "dependency": db.session.scalar(
            select(ActionDependency.id)
            .where(ActionDependency.action_id == recs[5].actions[0].id)
            .order_by(ActionDependency.id)
        ),
    }


def test_every_route_declares_its_permission(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in PUBLIC_ENDPOINTS and not hasattr(app.view_functions[rule.endpoint], "permission")
    ]
    assert missing == []


def test_every_route_is_in_the_matrix(app):
    routes = {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(endpoint, method) for endpoint, (_, methods) in MATRIX.items() for method in methods}
    assert sorted(routes - covered) == [], "routes missing from tests/matrix.py"
    assert sorted(covered - routes) == [], "matrix entries for routes that do not exist"


def test_hidden_roles_are_kept_out():
    for endpoint, methods in HIDDEN.items():
        for method, roles in methods.items():
            assert not roles & MATRIX[endpoint][1][method], f"{method} {endpoint}: both allowed and hidden"


def allowed(response) -> bool:
    if response.status_code in (401, 403):
        return False
    # A signed-out visitor is sent to sign in with a `next` address; signing out also ends at /sign-in.
    return not (response.status_code == 302 and "/sign-in?next=" in response.headers.get("Location", ""))


@pytest.mark.parametrize("email", ROLES)
def test_each_role_reaches_exactly_its_routes(app, ids, email):
    wrong = []
    for endpoint, (template, methods) in MATRIX.items():
        for method, roles in methods.items():
            client = app.test_client()
            sign_in_as(client, email)
            with client.open(template.format(**ids), method=method, data={}) as response:
                pass
            hidden = email in HIDDEN.get(endpoint, {}).get(method, set())
            if response.status_code == 500:
                wrong.append(f"{method} {endpoint}: server error")
            elif hidden:
                if response.status_code != 404:
                    wrong.append(f"{method} {endpoint}: {response.status_code}, not the 404 for what it cannot see")
            elif allowed(response) != (email in roles):
                wrong.append(
                    f"{method} {endpoint}: {'let in' if allowed(response) else 'kept out'} ({response.status_code})"
                )
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize(
    "endpoint",
    sorted(
        e
        for e in MATRIX
        if e
        not in {
            "static",
            "pages.accessibility",
            "pages.privacy",
            "pages.healthcheck",
            "auth.sign_in",
            "auth.sign_out",
            "auth.forgot_password",
            "auth.set_password",
            "auth.sign_in_oidc",
            "auth.oidc_callback",
            "auth.sign_in_code",
            "operations.healthz",
            "api.openapi_document",
        }
    ),
)
def test_signed_out_visitors_are_kept_out(app, ids, endpoint):
    template, methods = MATRIX[endpoint]
    for method in methods:
        with app.test_client().open(template.format(**ids), method=method, data={}) as response:
            pass
        assert not allowed(response), f"{method} {endpoint} let a signed-out visitor in"
