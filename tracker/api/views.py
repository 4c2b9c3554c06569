"""The JSON API under /api/v1: the same facts and the same permissions as the pages, in pages of `limit` items."""

from functools import wraps

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from tracker.actions.lookups import recommendation_with_actions_or_404
from tracker.actions.models import Action
from tracker.api import conditional
from tracker.api.blueprint import bp
from tracker.api.openapi import DOCUMENT
from tracker.api.paging import (
    BadQuery,
    next_link,
    page_of,
    read_after,
    read_choice,
    read_limit,
    read_organisation,
    read_since,
)
from tracker.api.serialisers import inspection_json, recommendation_json
from tracker.assurance.api import post_action_update, post_evidence_decision
from tracker.auth.permissions import visible_pdu_filter
from tracker.caching.services import cached, viewer_key
from tracker.db_types import today
from tracker.errors import render_error
from tracker.extensions import csrf
from tracker.inspections.lookups import inspection_or_404
from tracker.inspections.models import Inspection, Standard
from tracker.loading import attach_collection
from tracker.organisations.models import Organisation
from tracker.recommendations import services as recommendations
from tracker.recommendations.models import Recommendation
from tracker.recommendations.status import recommendation_status
from tracker.shared.access import public, record_rule, signed_in

# Bearer-token clients send no cookie, so CSRF does not apply to them; cookie sessions may only read here.
csrf.exempt(bp)
bp.before_request(conditional.not_modified_before_reading)
bp.after_request(conditional.add_etag)

#: the values ?status= takes on recommendations, as `status` in their JSON
RECOMMENDATION_STATUSES = [
    "not_started",
    "in_progress",
    "actions_complete",
    "not_agreed",
    "submitted",
    "returned",
    "assured",
]


@bp.before_request
def read_only_for_cookie_sessions():
    if request.method not in ("GET", "HEAD", "OPTIONS") and not request.headers.get("Authorization", "").startswith(
        "Bearer "
    ):
        abort(403)


@bp.errorhandler(BadQuery)
def bad_query(error: BadQuery):
    return render_error(400, str(error))


def cached_json(view):
    """The view's (JSON body, headers) kept per address, caller and data version: a repeat read builds nothing.
    The permission decorator runs first, and the key holds the caller's roles, so nobody reads another's answer."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        body, headers = cached(("api", request.full_path, *viewer_key()), lambda: view(*args, **kwargs))
        return jsonify(body), 200, headers

    return wrapped


@bp.get("/openapi.json")
@public
def openapi_document():
    return jsonify(DOCUMENT)


def _in_scope(query, pdu_column):
    """The query narrowed to the PDUs the caller may see, then to ?pdu= and ?region= (an id or an exact name)."""
    pdus = visible_pdu_filter(current_user)
    if pdus is not None:
        query = query.where(pdu_column.in_(pdus))
    pdu, region = aliased(Organisation), aliased(Organisation)
    wanted = {"pdu": read_organisation("pdu"), "region": read_organisation("region")}
    if any(wanted.values()):
        query = query.join(pdu, pdu.id == pdu_column).outerjoin(region, region.id == pdu.parent_id)
    for table, name in ((pdu, "pdu"), (region, "region")):
        if (given := wanted[name]) is not None:
            organisation_id, value = given
            query = query.where(
                or_(table.name == value, table.id == organisation_id)
                if organisation_id is not None
                else table.name == value
            )
    return query


@bp.get("/inspections")
@signed_in
@cached_json
def list_inspections():
    query = _in_scope(
        select(Inspection).options(joinedload(Inspection.pdu).joinedload(Organisation.parent)), Inspection.pdu_id
    )
    page = page_of(query, Inspection.id, read_limit(), read_after())
    # one query per collection for the whole page (selectin loading would split ten standards a page into chunks)
    ids = [i.id for i in page.items]
    attach_collection(page.items, inspect(Inspection).relationships["standards"], ids)
    attach_collection(
        [s for i in page.items for s in i.standards],
        inspect(Standard).relationships["key_questions"],
        select(Standard.id).where(Standard.inspection_id.in_(ids)),
    )
    counts = recommendations.recommendation_counts(page.items)
    return {"inspections": [inspection_json(i, counts.get(i.id, 0)) for i in page.items]}, next_link(page)


@bp.get("/inspections/<int:inspection_id>")
@record_rule
@cached_json
def get_inspection(inspection_id: int):
    inspection = inspection_or_404(inspection_id, load=recommendations.load_inspection_with_recommendations)
    return inspection_json(inspection), {}


def _recommendations_page(query):
    """One page of recommendations from `query`, filtered by ?status= and ?updated_since=."""
    limit, after = read_limit(), read_after()
    status, since = read_choice("status", RECOMMENDATION_STATUSES), read_since()
    on = today()
    query = query.options(
        selectinload(Recommendation.actions).selectinload(Action.owner), selectinload(Recommendation.lead)
    )
    if since is not None:
        query = query.where(
            or_(Recommendation.updated_at >= since, Recommendation.actions.any(Action.updated_at >= since))
        )
    keep = None if status is None else (lambda r: recommendation_status(r, on).key == status)
    page = page_of(query, Recommendation.id, limit, after, keep)
    return {"recommendations": [recommendation_json(r, on) for r in page.items]}, next_link(page)


@bp.get("/recommendations")
@signed_in
@cached_json
def list_all_recommendations():
    query = select(Recommendation).join(Inspection, Inspection.id == Recommendation.inspection_id)
    return _recommendations_page(_in_scope(query, Inspection.pdu_id))


@bp.get("/inspections/<int:inspection_id>/recommendations")
@record_rule
@cached_json
def list_recommendations(inspection_id: int):
    inspection_or_404(inspection_id)  # 404 or 403 before anything is read
    return _recommendations_page(select(Recommendation).where(Recommendation.inspection_id == inspection_id))


@bp.get("/recommendations/<int:recommendation_id>")
@record_rule
@cached_json
def get_recommendation(recommendation_id: int):
    return recommendation_json(recommendation_with_actions_or_404(recommendation_id), today()), {}


# The API's writes, progress and evidence decisions: bearer-token clients only, checked inside
# (tracker.assurance.api).
bp.add_url_rule(
    "/actions/<int:action_id>/updates", "create_action_update", record_rule(post_action_update), methods=["POST"]
)
bp.add_url_rule(
    "/evidence/<int:evidence_id>/decision", "decide_evidence", record_rule(post_evidence_decision), methods=["POST"]
)
