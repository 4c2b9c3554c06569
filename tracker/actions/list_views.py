"""The actions list (`/actions`): filtered, sorted and paged through the address, and as CSV."""

import csv
import io
from typing import Any

from flask import Response, request, url_for
from flask_login import current_user

from tracker.actions import lists
from tracker.actions.blueprint import bp
from tracker.actions.forms import ActionListFilterForm
from tracker.caching.pages import CachedPage, main_content, render_cached_page
from tracker.db_types import today
from tracker.extensions import db
from tracker.inspections.lists import inspection_label, organisation_choices
from tracker.recommendations.models import Recommendation
from tracker.recommendations.status import action_status
from tracker.shared.access import signed_in
from tracker.shared.cells import safe_cell
from tracker.shared.paging import page_number
from tracker.templating import format_date

CSV_COLUMNS = (
    "PDU",
    "Inspection",
    "Recommendation number",
    "Action",
    "Owner",
    "Status",
    "Target date",
    "Original target date",
    "Timeliness",
)


def filter_form() -> ActionListFilterForm:
    form = ActionListFilterForm(request.args)
    form.organisation.choices = [("", "Any")] + organisation_choices(current_user)
    # "You" only for someone who can own an action (or whose address asks for it, so that it still reads)
    you = [("me", "You")] if request.args.get("owner") == "me" or lists.may_own_actions(current_user) else []
    form.owner.choices = [("", "Anyone"), *you] + lists.owner_choices(current_user)
    form.validate()
    return form


def sorting() -> tuple[str, bool]:
    sort = request.args.get("sort", "due")
    return (sort if sort in lists.SORTS else "due"), request.args.get("order") == "desc"


def heading(filters: lists.ActionFilters) -> str:
    if filters.waiting_on_mine:
        return "Actions waiting on yours"
    if filters.recommendations_i_own:
        return "Actions on recommendations you own"
    return "Your actions" if filters.owner == "me" else "Actions"


def list_tabs(filters: lists.ActionFilters) -> list[tuple[str, dict, bool]]:
    """(label, address, is this list) of the lists above the filter: every action, then the person's own and those on
    recommendations they own where either can apply to them; none when only the first would be left."""
    own = filters.owner == "me" and not filters.recommendations_i_own
    tabs: list[tuple[str, dict, bool]] = [
        ("All actions you can see", {}, not filters.owner and not filters.recommendations_i_own)
    ]
    if own or lists.may_own_actions(current_user):
        tabs.append(("Your actions", {"owner": "me"}, own))
    if filters.recommendations_i_own or lists.may_own_recommendations(current_user):
        tabs.append(("Actions on recommendations you own", {"mine": "recommendations"}, filters.recommendations_i_own))
    return tabs if len(tabs) > 1 else []


def without(key: str, value: str | None = None) -> str:
    """This list's address with one filter (or one value of it) taken away, back on the first page."""
    args = request.args.copy()
    args.pop("page", None)
    if value is None:
        args.poplist(key)
    else:
        args.setlist(key, [v for v in args.getlist(key) if v != value])
    # every value a list; typed loosely, since url_for's own options (_anchor, _external...) are not lists
    values: dict[str, Any] = args.to_dict(flat=False)
    return url_for("actions.list_actions", **values)


def _choice(field, value) -> str:
    return dict(field.choices).get(value, value)


def selected_filters(form: ActionListFilterForm, filters: lists.ActionFilters) -> list[tuple[str, str, str]]:
    """(heading, label, address without it) for each filter applied, for the MoJ filter's removable tags."""
    chosen = [("Status", _choice(form.status, s), without("status", s)) for s in filters.statuses]
    # looked up only for a filter that is applied
    recommendation = recommendation_label(filters.recommendation_id) if filters.recommendation_id else ""
    inspection = inspection_label(filters.inspection_id) if filters.inspection_id else ""
    simple = [
        (
            filters.organisation_id,
            "Organisation",
            lambda: _choice(form.organisation, str(filters.organisation_id)),
            "organisation",
        ),
        (filters.addressee, "Addressed to", lambda: _choice(form.addressee, filters.addressee), "addressee"),
        (filters.owner, "Action owner", lambda: _choice(form.owner, filters.owner), "owner"),
        (filters.overdue, "Overdue", lambda: "Overdue only", "overdue"),
        (filters.slipped, "Slipped", lambda: "Slipped only", "slipped"),
        (filters.blocked, "Blocked", lambda: "Blocked only", "blocked"),
        (filters.waiting_on_mine, "Waiting", lambda: "Waiting on your actions", "waiting"),
        (filters.due_from, "Due on or after", lambda: format_date(filters.due_from), "due_from"),
        (filters.due_to, "Due on or before", lambda: format_date(filters.due_to), "due_to"),
        (filters.recommendation_id, "Recommendation", lambda: recommendation, "recommendation"),
        (filters.inspection_id, "Inspection", lambda: inspection, "inspection"),
        (filters.current_only, "Inspections", lambda: "Current inspection of each PDU", "current"),
        (filters.recommendations_i_own, "Recommendations", lambda: "Those you own or lead", "mine"),
    ]
    return chosen + [(title, label(), without(key)) for active, title, label, key in simple if active]


def recommendation_label(recommendation_id: int) -> str:
    rec = db.session.get(Recommendation, recommendation_id)
    return f"Recommendation {rec.number}, {rec.addressee_label}" if rec else "Not found"


@bp.get("/actions")
@signed_in
def list_actions():
    return render_cached_page(("actions", tuple(sorted(request.args.items(multi=True)))), _actions_page)


def _actions_page() -> CachedPage:
    form = filter_form()
    filters = form.to_filters()
    sort, descending = sorting()
    on = today()
    page = lists.list_actions(current_user, filters, on, sort, descending, page_number(request.args))
    main = main_content(
        "actions/_list-main.html",
        form=form,
        filters=filters,
        page=page,
        sort=sort,
        descending=descending,
        heading=heading(filters),
        tabs=list_tabs(filters),
        on=on,
        selected=selected_filters(form, filters),
        status_of=lambda row: action_status(row, on),
    )
    return CachedPage(heading(filters), main, has_errors=bool(form.errors), wide=True)


@bp.get("/actions.csv")
@signed_in
def export_actions():
    filters = filter_form().to_filters()
    on = today()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in lists.all_actions(current_user, filters, on, *sorting()):
        writer.writerow(
            [
                safe_cell(cell)
                for cell in (
                    row.pdu_name,
                    row.inspection_title,
                    str(row.recommendation_number),
                    row.description,
                    row.owner_name or "",
                    action_status(row, on).label,
                    row.target_on.strftime("%d/%m/%Y"),
                    row.original_target_on.strftime("%d/%m/%Y"),
                    row.timeliness(on).label,
                )
            ]
        )
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="actions.csv"'},
    )
