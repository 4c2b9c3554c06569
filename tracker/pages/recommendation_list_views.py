"""The recommendations list (`/recommendations`): where a dashboard's or readiness page's recommendation counts lead."""

from typing import Any

from flask import render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import Optional

from tracker.db_types import today
from tracker.inspections.lists import inspection_label, organisation_choices
from tracker.pages import recommendation_lists as lists
from tracker.recommendations.blueprint import bp
from tracker.recommendations.models import ADDRESSEE_CHOICES
from tracker.recommendations.status import all_statuses
from tracker.shared.access import signed_in
from tracker.shared.paging import page_number
from tracker.whole_numbers import id_in_address, record_id


class RecommendationListFilterForm(FlaskForm):
    """The list's filters, read from the address so a list can be bookmarked and shared."""

    class Meta:
        csrf = False

    organisation = SelectField("Organisation", widget=GovSelect(), validators=[Optional()])
    addressee = SelectField("Addressed to", widget=GovSelect(), validators=[Optional()], choices=ADDRESSEE_CHOICES)
    status = SelectField("Status", widget=GovSelect(), validators=[Optional()])
    inspection = HiddenField(validators=[id_in_address("inspection")])
    current = HiddenField()
    mine = HiddenField()
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def to_filters(self) -> lists.RecommendationFilters:
        def value(field):
            return (field.data or "") if not field.errors else ""

        return lists.RecommendationFilters(
            organisation_id=record_id(value(self.organisation)),
            inspection_id=record_id(value(self.inspection)),
            current_only=self.current.data == "1",
            addressee=value(self.addressee),
            status=value(self.status),
            mine=self.mine.data == "1",
        )


def without(key: str) -> str:
    """This list's address with one filter taken away, back on the first page."""
    args = request.args.copy()
    args.pop("page", None)
    args.poplist(key)
    # every value a list; typed loosely, since url_for's own options (_anchor, _external...) are not lists
    values: dict[str, Any] = args.to_dict(flat=False)
    return url_for("recommendations.list_recommendations", **values)


def selected_filters(
    form: RecommendationListFilterForm, filters: lists.RecommendationFilters, inspection: str | None
) -> list[tuple[str, str | None, str]]:
    """(heading, label, address without it) for each filter applied, for the MoJ filter's removable tags."""

    def choice(field, value) -> str:
        return dict(field.choices).get(value, value)

    simple = [
        (
            filters.organisation_id,
            "Organisation",
            lambda: choice(form.organisation, str(filters.organisation_id)),
            "organisation",
        ),
        (filters.addressee, "Addressed to", lambda: choice(form.addressee, filters.addressee), "addressee"),
        (filters.status, "Status", lambda: choice(form.status, filters.status), "status"),
        (filters.inspection_id, "Inspection", lambda: inspection, "inspection"),
        (filters.current_only, "Inspections", lambda: "Current inspection of each PDU", "current"),
        (filters.mine, "Recommendations", lambda: "Those you own or lead", "mine"),
    ]
    return [(title, label(), without(key)) for active, title, label, key in simple if active]


@bp.get("/recommendations")
@signed_in
def list_recommendations():
    form = RecommendationListFilterForm(request.args)
    form.organisation.choices = [("", "Any")] + organisation_choices(current_user)
    form.status.choices = [("", "Any status")] + [(s.key, s.label) for s in all_statuses()]
    form.validate()
    filters = form.to_filters()
    page = lists.list_recommendations(current_user, filters, today(), page_number(request.args))
    inspection = inspection_label(filters.inspection_id) if filters.inspection_id else None
    return render_template(
        "recommendations/list.html",
        form=form,
        filters=filters,
        page=page,
        inspection=inspection,
        selected=selected_filters(form, filters, inspection),
    )
