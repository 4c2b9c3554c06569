"""Paging and filtering for the API's lists: `limit`, an opaque signed cursor (keyset on id), `Link: rel="next"`,
and the query-string filters, each refused with a 400 and a message that says what to send instead."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import current_app, request
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import Select

from tracker.extensions import db
from tracker.whole_numbers import MAX_ID, record_id, whole_number

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
#: rows read at a time when a filter is applied in Python (a recommendation's status is worked out, not stored)
SCAN_BATCH = 200


class BadQuery(ValueError):
    """A query-string value the API cannot use; its message is shown to the caller with a 400."""


@dataclass
class Page:
    items: list
    #: the id the next page starts after, or None on the last page
    next_after: int | None


def _serialiser() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor")


def make_cursor(after_id: int) -> str:
    return _serialiser().dumps({"after": after_id})


def read_cursor(cursor: str) -> int:
    try:
        after = _serialiser().loads(cursor)["after"]
    except (BadData, KeyError, TypeError) as problem:
        raise BadQuery("cursor is not one this API gave out: use the Link header's next address as it is") from problem
    if whole_number(after) is None:
        raise BadQuery("cursor is not one this API gave out: use the Link header's next address as it is")
    return after


def read_limit() -> int:
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    limit = whole_number(raw, 1, MAX_LIMIT)
    if limit is None:
        raise BadQuery(
            f"limit must be a whole number from 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}), written "
            "with the digits 0 to 9"
        )
    return limit


def read_organisation(name: str) -> tuple[int | None, str] | None:
    """?pdu= or ?region=: (its id, its text) for an id, (None, its text) for a name, None when not given. A value
    of digits alone is an id, and must be one an organisation could have."""
    raw = request.args.get(name)
    if not raw:
        return None
    if not raw.isdigit():
        return None, raw
    organisation_id = record_id(raw)
    if organisation_id is None:
        raise BadQuery(
            f"{name} must be an organisation's id, a whole number from 1 to {MAX_ID} written with the "
            "digits 0 to 9, or its exact name"
        )
    return organisation_id, raw


def read_after() -> int:
    cursor = request.args.get("cursor")
    return 0 if not cursor else read_cursor(cursor)


def read_since() -> datetime | None:
    raw = request.args.get("updated_since")
    if not raw:
        return None
    try:
        since = datetime.fromisoformat(raw)
    except ValueError as problem:
        raise BadQuery(
            "updated_since must be an ISO 8601 date or date and time, for example 2026-11-01 or 2026-11-01T09:00:00Z"
        ) from problem
    return since if since.tzinfo else since.replace(tzinfo=UTC)


def read_choice(name: str, choices: list[str]) -> str | None:
    value = request.args.get(name)
    if value and value not in choices:
        raise BadQuery(f"{name} must be one of " + ", ".join(choices))
    return value or None


def page_of(query: Select, id_column, limit: int, after: int, keep: Callable | None = None) -> Page:
    """Up to `limit` rows of `query` with ids after `after`, in id order. With `keep`, rows it refuses are skipped
    and further rows read in batches until the page is full or the rows run out.

    The ids are read first and the rows then loaded for those ids alone, so eager loads see at most `limit` (or a
    batch of) parents: the same number of statements at any data size."""
    size = limit + 1 if keep is None else SCAN_BATCH
    ids_query = query.with_only_columns(id_column).order_by(id_column).limit(size)
    found: list = []
    last = after
    while True:
        ids = list(db.session.scalars(ids_query.where(id_column > last)))
        wanted = ids[:limit] if keep is None else ids
        rows = list(db.session.scalars(query.where(id_column.in_(wanted)).order_by(id_column))) if wanted else []
        found.extend(row for row in rows if keep is None or keep(row))
        if keep is None:
            return Page(found, found[-1].id if len(ids) > limit else None)
        if len(found) > limit or len(ids) < size:
            break
        last = ids[-1]
    if len(found) > limit:
        return Page(found[:limit], found[limit - 1].id)
    return Page(found, None)


def next_link(page: Page) -> dict[str, str]:
    """The Link header for the page after this one, keeping the caller's filters and limit."""
    if page.next_after is None:
        return {}
    args = {key: value for key, value in request.args.items() if key != "cursor"}
    args["cursor"] = make_cursor(page.next_after)
    return {"Link": f'<{request.base_url}?{urlencode(args)}>; rel="next"'}
