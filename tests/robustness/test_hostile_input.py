"""Random and hostile input to every form and API endpoint, signed in as someone allowed to use it: never a
server error, and a refused request changes nothing (no rows added or removed, no audit event written). Every
address with an id is also tried with ids no table holds (zero, negative, beyond 64 bits), and every API field with
JSON values that are not text."""

import io
import json
from functools import partial

import pytest
from flask import url_for
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.conftest import ADMIN, DIRECTOR, HEAD, HMPPS, OWNER, sign_in_as, soup_of
from tests.security.helpers import snapshot
from tracker.actions.models import Action
from tracker.audit.models import AuditEvent
from tracker.auth.services import create_api_token, find_user
from tracker.extensions import db
from tracker.recommendations.models import Recommendation

#: field names sent to every endpoint besides those its form shows
COMMON_FIELDS = [
    "title",
    "description",
    "narrative",
    "reason",
    "reasons",
    "comment",
    "version",
    "status",
    "decision",
    "url",
    "target_on",
    "held_on",
    "email",
    "name",
    "role",
    "organisation_id",
    "owner_id",
    "response",
    "rationale",
    "blocker_id",
    "kind",
    "parent_id",
    "password",
    "reminder_preference",
]
#: who uses each blueprint's forms; the rest are the head of PDU's
USER_FOR = {
    "admin": ADMIN,
    "organisations": ADMIN,
    "importer": ADMIN,
    "notifications.retry_outbox_message": ADMIN,
    "assurance.assure_recommendation": DIRECTOR,
    "assurance.return_recommendation": DIRECTOR,
    "assurance.save_evidence_decisions": DIRECTOR,
    "assurance.decide_recommendation": DIRECTOR,
    "assurance.reopen_recommendation": DIRECTOR,
    "actions.post_update": OWNER,
    "auth": None,
}
#: whose bearer token each API write is sent with: someone it is for, so that the body is read, not refused
API_USER_FOR = {"api.create_action_update": OWNER, "api.decide_evidence": DIRECTOR}
#: successful writes answer with a redirect, or 201 from the API
ACCEPTED = {201, 302, 303}

hostile_text = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30),
    st.just("x" * 200_000),
    st.just("\x00\x00<script>alert(1)</script>"),
    st.just("'; DROP TABLE users; --"),
    st.sampled_from(["-1", "0", "99999999999999999999", "1e308", "NaN", "true", "[]", "{}", "%s%n", "../../etc"]),
)
hostile_value = st.one_of(
    hostile_text,
    st.lists(hostile_text, min_size=2, max_size=3),
    st.sampled_from([["31", "2", "2027"], ["x"], ["", "", ""], ["1", "1"], ["0", "13", "-5"], ["29", "2", "2027"]]),
)

#: JSON can carry what a form cannot: numbers, booleans, null, lists and objects where text is expected
json_value = st.recursive(
    st.one_of(hostile_text, st.integers(), st.floats(), st.booleans(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6,
)
#: ids no table holds, drawn in place of the real ids in the path: beyond the 32-bit and 64-bit columns and far
#: beyond, at the edges, zero and negative
hostile_id = st.one_of(
    st.integers(min_value=2**63, max_value=10**40),
    st.integers(min_value=-(10**40), max_value=-1),
    st.just(0),
    st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1]),
    st.integers(min_value=2**31, max_value=2**63 - 1),
)
#: every kind of JSON value that is not a string, for fields that expect text
non_string_json = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63, max_value=10**40),
    st.floats(),
    st.lists(json_value, max_size=3),
    st.dictionaries(st.text(max_size=5), json_value, max_size=3),
)
#: the fields each API write reads from its JSON body; a new API write must be listed here to be tried
API_FIELDS = {"api.create_action_update": ("narrative", "status"), "api.decide_evidence": ("decision", "comment")}


def user_for(endpoint: str) -> str | None:
    return USER_FOR.get(endpoint, USER_FOR.get(endpoint.split(".")[0], HEAD))


def first_id(table: str) -> int:
    if table not in db.metadata.tables:
        return 1
    return db.session.scalar(select(func.min(db.metadata.tables[table].c.id))) or 1


def record_ids() -> dict[str, int]:
    owner = find_user(OWNER)
    recs = {r.number: r for r in db.session.scalars(select(Recommendation))}
    action = db.session.scalar(
        select(Action).where(
            Action.recommendation_id == recs[1].id, Action.owner_id == owner.id, Action.status != "complete"
        )
    )
    dependency = db.session.execute(text("SELECT id, action_id FROM action_dependencies ORDER BY id")).first()
    return {
        "action_id": action.id,
        "recommendation_id": recs[1].id,
        "inspection_id": recs[1].inspection_id,
        "evidence_id": recs[7].evidence[0].id if recs[7].evidence else first_id("evidence"),
        "user_id": find_user(HEAD).id,
        "organisation_id": recs[1].owner_org_id,
        "region_id": recs[8].owner_org_id,
        "draft_id": first_id("report_import_drafts"),
        "message_id": first_id("outbox_messages"),
        "audit_round_id": first_id("audit_rounds"),
        "dependency_id": dependency.id if dependency else 1,
        "dependency_action_id": dependency.action_id if dependency else action.id,
        "rec7": recs[7].id,
    }


def url_of(app, rule, ids: dict[str, int], hostile: dict[str, int] | None = None) -> str:
    """The rule's address with real ids, or with the hostile ids drawn for it (one per id in the path)."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = hostile[name] if hostile else ids.get(name, 1)
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "pdu"
    if not hostile and rule.endpoint.startswith("assurance.") and "recommendation_id" in values:
        values["recommendation_id"] = ids["rec7"]
    if not hostile and "dependency_id" in values:
        values["action_id"] = ids["dependency_action_id"]
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def post_routes(app) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())})


def id_names(rule) -> list[str]:
    return [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]


def hostile_ids(rule):
    """One hostile id for each id in the rule's path (or none, for the real ids), independently drawn."""
    names = id_names(rule)
    return st.one_of(st.none(), st.fixed_dictionaries({name: hostile_id for name in names})) if names else st.none()


def get_routes_with_ids(app) -> list[str]:
    return sorted(
        {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ()) and id_names(rule)}
    )


def api_body(endpoint: str):
    """A JSON body for an API write: its own fields, each often a value that is not text, or any JSON at all."""
    fields = API_FIELDS[endpoint]
    return st.one_of(
        st.fixed_dictionaries({field: st.one_of(non_string_json, non_string_json, hostile_text) for field in fields}),
        st.fixed_dictionaries({}, optional={field: st.one_of(non_string_json, hostile_text) for field in fields}),
        json_value,
    )


def kind_of(value) -> str:
    return "int" if type(value) is int else type(value).__name__


#: one value of every JSON kind that is not text, each tried in every API field on top of the random draws
EVERY_NON_STRING = [
    None,
    True,
    False,
    0,
    -1,
    2**64,
    1.5,
    float("nan"),
    float("inf"),
    [],
    ["complete"],
    {},
    {"narrative": "x"},
]


def with_each_non_string_field(endpoint: str, attempt):
    """Add an example per API field and non-text value (the other fields valid), so each kind is surely sent."""
    fields = API_FIELDS.get(endpoint, ())
    valid = {"narrative": "A valid narrative.", "status": "in_progress"}
    for field in fields:
        for value in EVERY_NON_STRING:
            body = {other: valid.get(other, "x") for other in fields} | {field: value}
            attempt = example(data={}, upload=None, as_json=True, json_data=body, ids=None)(attempt)
    return attempt


def form_fields(client, url: str) -> list[str]:
    """The names of the fields the page's main form shows, when the route also answers GET."""
    response = client.get(url)
    if response.status_code != 200 or response.mimetype != "text/html":
        return []
    return sorted(
        {
            field["name"]
            for field in soup_of(response).select("#main-content form [name]")
            if field["name"] != "csrf_token"
        }
    )


@pytest.fixture
def prepared(app):
    """The ids these tests send, on the app tests/robustness/conftest.py prepares: recommendation 7 submitted for
    assurance and an import draft waiting, so those forms validate input."""
    return record_ids()


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


APP_FOR_ROUTES = __import__("tracker").create_app({"TESTING": True})


def test_every_api_write_has_its_json_fields_listed():
    api_writes = {endpoint for endpoint in post_routes(APP_FOR_ROUTES) if endpoint.startswith("api.")}
    assert api_writes == set(API_FIELDS)


@pytest.mark.parametrize("endpoint", post_routes(APP_FOR_ROUTES))
def test_hostile_input_never_breaks_or_half_saves(app, prepared, endpoint):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods)
    client = app.test_client()
    email = user_for(endpoint)
    headers = {}
    is_api = endpoint.startswith("api.")
    if is_api:
        headers["Authorization"] = f"Bearer {create_api_token(find_user(API_USER_FOR[endpoint]))}"
    elif email:
        sign_in_as(client, email)
    url = url_of(app, rule, prepared)
    fields = form_fields(client, url) + COMMON_FIELDS
    statuses, json_kinds = [], {}

    @settings(
        max_examples=60 if is_api else 25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
    )
    @given(
        data=st.dictionaries(st.sampled_from(fields), hostile_value, max_size=8),
        upload=st.one_of(
            st.none(),
            st.tuples(
                st.binary(max_size=2000),
                st.sampled_from(["a.pdf", "b.docx", "c.csv", "d.svg", "", "../../x.txt", "e.png"]),
            ),
        ),
        as_json=st.booleans() if not is_api else st.sampled_from([True, True, True, False]),
        json_data=api_body(endpoint) if is_api else st.just({}),
        ids=hostile_ids(rule),
    )
    @partial(with_each_non_string_field, endpoint)
    def attempt(data, upload, as_json, json_data, ids):
        before, events = snapshot(), audit_count()
        target = url_of(app, rule, prepared, ids) if ids else url
        if is_api and as_json:
            # sent as text, so that a body of null, a number or a list arrives as itself
            response = client.post(target, data=json.dumps(json_data), headers=headers, content_type="application/json")
            if isinstance(json_data, dict):
                for field, value in json_data.items():
                    json_kinds.setdefault(field, set()).add(kind_of(value))
            sent = json_data
        else:
            if upload is not None:
                data = {**data, "file": (io.BytesIO(upload[0]), upload[1])}
            response = client.post(target, data=data, headers=headers, content_type="multipart/form-data")
            sent = data
        statuses.append(response.status_code)
        assert response.status_code < 500, f"{endpoint} {target}: {response.status_code} for {sent!r}"[:2000]
        if response.status_code not in ACCEPTED and endpoint != "auth.sign_in":
            assert snapshot() == before and audit_count() == events, f"{endpoint} refused {sent!r} but saved"

    attempt()
    assert statuses, endpoint
    if email and endpoint != "auth.sign_out":
        assert set(statuses) != {403}, f"{email} is not allowed to use {endpoint}: choose another user"
    if is_api:
        for field in API_FIELDS[endpoint]:
            missing = {"NoneType", "bool", "int", "float", "list", "dict"} - json_kinds.get(field, set())
            assert not missing, f"{endpoint}: {field} was never sent as {sorted(missing)}"


@pytest.mark.parametrize("endpoint", get_routes_with_ids(APP_FOR_ROUTES))
def test_hostile_ids_in_every_address_never_break_a_page(app, prepared, endpoint):
    """Every page and API read with an id, as someone allowed to see the real one: ids no table holds are a 404
    (or a refusal), never a server error."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "GET" in r.methods)
    client = app.test_client()
    email = user_for(endpoint)
    if endpoint.startswith("api."):
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {create_api_token(find_user(OWNER))}"
    elif email:
        sign_in_as(client, email)
    names = id_names(rule)

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(ids=st.fixed_dictionaries({name: hostile_id for name in names}))
    def attempt(ids):
        target = url_of(app, rule, prepared, ids)
        response = client.get(target)
        assert response.status_code < 500, f"{endpoint} {target}: {response.status_code}"
        assert response.status_code in (302, 400, 403, 404), f"{endpoint} {target}: {response.status_code}"

    attempt()


#: every list's filter and paging parameters, each drawn hostile in the query string below; a new parameter a list
#: reads must be listed here to be tried
LIST_PARAMETERS = {
    "/api/v1/recommendations": ["pdu", "region", "limit", "cursor", "status", "updated_since"],
    "/api/v1/inspections": ["pdu", "region", "limit", "cursor"],
    "/api/v1/inspections/{inspection_id}/recommendations": ["limit", "cursor", "status", "updated_since"],
    "/actions": [
        "organisation",
        "addressee",
        "owner",
        "status",
        "overdue",
        "due_from",
        "due_to",
        "recommendation",
        "inspection",
        "current",
        "mine",
        "sort",
        "order",
        "page",
    ],
    "/actions.csv": ["organisation", "owner", "status", "recommendation", "inspection", "sort", "order"],
    "/recommendations": ["organisation", "addressee", "status", "inspection", "current", "mine", "page"],
    "/dashboard": ["status", "owner", "due_by", "sort", "order"],
    "/search": ["q"],
}
#: numbers of every size and sign, and digits that are not 0 to 9 ("²" passes str.isdigit(); "٣" is int() 3)
hostile_number = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            str(2**31 - 1),
            str(2**31),
            str(2**63 - 1),
            str(2**63),
            str(2**64),
            "0",
            "-0",
            "00",
            "1_000",
            " 1",
            "1 ",
            "+1",
            "1e3",
            "0x1f",
        ]
    ),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=25),
    st.sampled_from(["²", "٣", "１２", "①", "⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹"]),
)
hostile_query_value = st.one_of(hostile_number, hostile_number, hostile_text.filter(lambda v: len(v) < 5000))


@pytest.mark.parametrize("path", sorted(LIST_PARAMETERS))
def test_hostile_query_strings_never_break_a_list(app, prepared, path):
    """Every list, with hostile values (often numbers too large to store or in other digits) for its filters and
    paging: the API answers 200 or a 400 that says what to send, a page answers 200 (the filter left out, with a
    message), never a server error."""
    client = app.test_client()
    is_api = path.startswith("/api/")
    if is_api:
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {create_api_token(find_user(HMPPS))}"
    else:
        sign_in_as(client, HEAD)
    url = path.format(**prepared)
    drawn: set[str] = set()

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(
        query=st.dictionaries(
            st.sampled_from(LIST_PARAMETERS[path]),
            st.one_of(hostile_query_value, st.lists(hostile_query_value, min_size=2, max_size=3)),
            min_size=1,
            max_size=4,
        )
    )
    def attempt(query):
        drawn.update(query)
        response = client.get(url, query_string=query)
        assert response.status_code < 500, f"{url} {query!r}: {response.status_code}"
        if is_api:
            assert response.status_code in (200, 400), f"{url} {query!r}: {response.status_code}"
            if response.status_code == 400:
                assert (
                    "must be" in response.json["error"]["message"] or "cursor" in response.json["error"]["message"]
                ), response.json
        else:
            assert response.status_code == 200, f"{url} {query!r}: {response.status_code}"

    for name in LIST_PARAMETERS[path]:
        for value in ("99999999999999999999999", "²", "٣"):
            attempt = example(query={name: value})(attempt)
    attempt()
    assert drawn == set(LIST_PARAMETERS[path])
