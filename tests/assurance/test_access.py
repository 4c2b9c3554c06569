"""Who reaches each assurance route, role by role (the same check as tests/test_permissions.py, for these routes)."""

import pytest

from tests.assurance.conftest import rec
from tests.conftest import ADMIN, DIRECTOR, HEAD, HMPPS, OWNER, VIEWER, sign_in_as

EVERYONE = {ADMIN, HMPPS, DIRECTOR, HEAD, OWNER, VIEWER}

#: endpoint -> (url template, {method: roles let in}); with no submission waiting, reviewers are redirected (let in)
ROUTES = {
    "assurance.review_queue": ("/reviews", {"GET": EVERYONE}),
    "assurance.submit_recommendation": ("/recommendations/{rec_ready}/submit", {"GET": {HEAD}, "POST": {HEAD}}),
    "assurance.review_recommendation": ("/recommendations/{rec_ready}/review", {"GET": {DIRECTOR}}),
    "assurance.save_evidence_decisions": ("/recommendations/{rec_ready}/evidence/decisions", {"POST": {DIRECTOR}}),
    "assurance.decide_recommendation": ("/recommendations/{rec_ready}/decision", {"POST": {DIRECTOR}}),
    "assurance.assure_recommendation": ("/recommendations/{rec_ready}/assure", {"POST": {DIRECTOR}}),
    "assurance.return_recommendation": ("/recommendations/{rec_ready}/return", {"POST": {DIRECTOR}}),
    "assurance.reopen_recommendation": (
        "/recommendations/{rec_region_ready}/reopen",
        {"GET": {HMPPS}, "POST": {HMPPS}},
    ),
    "assurance.add_dependency": ("/actions/{action_pdu}/dependencies", {"POST": {HEAD}}),
    "assurance.remove_dependency": ("/actions/{action_pdu}/dependencies/{dependency}/remove", {"POST": {HEAD}}),
}


@pytest.mark.parametrize("email", sorted(EVERYONE))
def test_each_role_reaches_exactly_its_assurance_routes(app, email):
    from tracker.actions.models import ActionDependency
    from tracker.extensions import db

    action = rec(5).actions[0]
    ids = {
        "rec_ready": rec(7).id,
        "rec_region_ready": rec(9).id,
        "evidence": rec(7).evidence[0].id,
        "action_pdu": action.id,
        "dependency": db.session.query(ActionDependency).filter_by(action_id=action.id).first().id,
    }
    wrong = []
    for endpoint, (template, methods) in ROUTES.items():
        for method, roles in methods.items():
            client = sign_in_as(app.test_client(), email)
            response = client.open(template.format(**ids), method=method, data={})
            let_in = response.status_code not in (401, 403)
            if response.status_code == 500 or let_in != (email in roles):
                wrong.append(f"{method} {endpoint}: {response.status_code}")
    assert wrong == []
