"""What needs a person's attention: their overdue and due-soon actions and the recommendations they own."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.actions.lists import ActionFilters, count_actions
from tracker.actions.models import Action
from tracker.auth.models import HEAD_OF_PDU, REGIONAL_DIRECTOR
from tracker.auth.permissions import OWNER_ROLE_FOR_KIND
from tracker.extensions import db
from tracker.inspections.lists import visibility_condition
from tracker.inspections.models import Inspection
from tracker.organisations.models import REGION
from tracker.pages.recommendation_lists import RecommendationFilters, matching
from tracker.recommendations.models import ASSURED, Recommendation, Submission
from tracker.recommendations.services import owned_recommendation_condition
from tracker.recommendations.status import ACTIONS_COMPLETE_STATUS, COMPLETE, RETURNED_STATUS
from tracker.templating import home_panels_of

DUE_SOON_DAYS = 14
#: the home page is for what needs attention now; a national lead's full list belongs on the dashboard
HOME_LIMIT = 25


@dataclass
class Attention:
    overdue: list[Action] = field(default_factory=list)
    due_soon: list[Action] = field(default_factory=list)
    #: open actions whose target has moved past the date first agreed: they stay here until done
    slipped: list[Action] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    #: how many open recommendations the user owns in all; the page lists the first HOME_LIMIT
    recommendations_total: int = 0


def owned_recommendations_query(user):
    """Open recommendations the user owns through a role at the owning organisation, or leads."""
    # Assured recommendations are closed: they no longer need their owner's attention.
    assured = (
        select(Submission.id)
        .where(Submission.recommendation_id == Recommendation.id, Submission.state == ASSURED)
        .exists()
    )
    # Only where they may see: what they led in a PDU they have left needs a new owner, and is not theirs.
    return (
        select(Recommendation)
        .join(Inspection, Recommendation.inspection_id == Inspection.id)
        .where(owned_recommendation_condition(user), visibility_condition(user), ~assured)
        .options(selectinload(Recommendation.actions), selectinload(Recommendation.inspection))
        .order_by(Recommendation.inspection_id, Recommendation.number)
    )


def attention_for(user, on: date) -> Attention:
    open_actions = db.session.scalars(
        select(Action)
        .join(Recommendation, Action.recommendation_id == Recommendation.id)
        .join(Inspection, Recommendation.inspection_id == Inspection.id)
        .where(Action.owner_id == user.id, Action.status != COMPLETE, visibility_condition(user))
        .options(selectinload(Action.recommendation))
        .order_by(Action.target_on)
    ).all()
    horizon = on + timedelta(days=DUE_SOON_DAYS)
    owned = owned_recommendations_query(user)
    total = db.session.execute(select(func.count()).select_from(owned.order_by(None).subquery())).scalar_one()
    return Attention(
        overdue=[a for a in open_actions if a.target_on < on],
        due_soon=[a for a in open_actions if on <= a.target_on <= horizon],
        slipped=[a for a in open_actions if a.is_slipped],
        recommendations=list(db.session.scalars(owned.limit(HOME_LIMIT))),
        recommendations_total=total,
    )


def home_panels() -> list[str]:
    return home_panels_of(current_app)


@dataclass
class Task:
    """One line of "Needs your action": what, how many, and the list that shows them."""

    key: str
    label: str
    count: int
    endpoint: str
    args: dict = field(default_factory=dict)


@dataclass
class Countdown:
    inspection_id: int
    pdu_name: str
    on: date
    days: int
    confirmed: bool


def holds_owner_role(user) -> bool:
    return any(
        a.role == role and a.organisation.kind == kind for a in user.roles for kind, role in OWNER_ROLE_FOR_KIND.items()
    )


def regions_directed(user) -> list:
    return [a.organisation for a in user.roles if a.role == REGIONAL_DIRECTOR and a.organisation.kind == REGION]


def _date_args(name: str, day: date) -> dict:
    return {name: [day.day, day.month, day.year]}


def action_tasks(user, on: date) -> list[Task]:
    horizon = on + timedelta(days=DUE_SOON_DAYS)
    soon = {"owner": "me", "status": "open", **_date_args("due_from", on), **_date_args("due_to", horizon)}
    tasks = [
        Task(
            "overdue",
            "Your overdue actions",
            count_actions(user, ActionFilters(owner="me", overdue=True), on),
            "actions.list_actions",
            {"owner": "me", "overdue": "y"},
        ),
        Task(
            "due-soon",
            f"Your actions due in the next {DUE_SOON_DAYS} days",
            count_actions(user, ActionFilters(owner="me", statuses=["open"], due_from=on, due_to=horizon), on),
            "actions.list_actions",
            soon,
        ),
        Task(
            "slipped",
            "Your slipped actions (target later than first agreed)",
            count_actions(user, ActionFilters(owner="me", slipped=True), on),
            "actions.list_actions",
            {"owner": "me", "slipped": "y"},
        ),
    ]
    if holds_owner_role(user):
        tasks.append(
            Task(
                "overdue-on-mine",
                "Overdue actions on recommendations you own",
                count_actions(user, ActionFilters(overdue=True, recommendations_i_own=True), on),
                "actions.list_actions",
                {"mine": "recommendations", "overdue": "y"},
            )
        )
        tasks.append(
            Task(
                "slipped-on-mine",
                "Slipped actions on recommendations you own",
                count_actions(user, ActionFilters(slipped=True, recommendations_i_own=True), on),
                "actions.list_actions",
                {"mine": "recommendations", "slipped": "y"},
            )
        )
    for region in regions_directed(user):
        tasks += region_tasks(user, region, on)
    return tasks


def region_tasks(user, region, on: date) -> list[Task]:
    """A director's view of the region: what is overdue, and what has slipped even where it is no longer overdue."""

    scope = {"organisation": region.id, "current": "1"}
    return [
        Task(
            f"overdue-region-{region.id}",
            f"Overdue actions in {region.display_name}",
            count_actions(user, ActionFilters(organisation_id=region.id, overdue=True, current_only=True), on),
            "actions.list_actions",
            {**scope, "overdue": "y"},
        ),
        Task(
            f"slipped-region-{region.id}",
            f"Slipped actions in {region.display_name}",
            count_actions(user, ActionFilters(organisation_id=region.id, slipped=True, current_only=True), on),
            "actions.list_actions",
            {**scope, "slipped": "y"},
        ),
    ]


def recommendation_tasks(user, on: date) -> list[Task]:
    """Returned to you and ready to submit: from the recommendations you own, their statuses worked out once."""
    counts = Counter(status.key for _, status in matching(user, RecommendationFilters(mine=True), on))
    tasks = [
        Task(
            "returned",
            "Returned to you by a reviewer",
            counts[RETURNED_STATUS.key],
            "recommendations.list_recommendations",
            {"mine": "1", "status": RETURNED_STATUS.key},
        ),
        Task(
            "ready",
            "Ready to submit for assurance (every action complete)",
            counts[ACTIONS_COMPLETE_STATUS.key],
            "recommendations.list_recommendations",
            {"mine": "1", "status": ACTIONS_COMPLETE_STATUS.key},
        ),
    ]
    # a lead without an owner's role sees these only when there is something to do
    return tasks if holds_owner_role(user) else [task for task in tasks if task.count]


def reinspection_countdowns(user, on: date) -> list[Countdown]:
    """For a head of PDU: days until each of their PDUs' current inspection is followed up."""
    pdu_ids = user.orgs_with_role(HEAD_OF_PDU)
    if not pdu_ids:
        return []
    latest: dict[int, Inspection] = {}
    for inspection in db.session.scalars(
        select(Inspection)
        .where(Inspection.pdu_id.in_(pdu_ids))
        .options(selectinload(Inspection.pdu))
        .order_by(Inspection.pdu_id, Inspection.published_on, Inspection.id)
    ):
        latest[inspection.pdu_id] = inspection
    return [
        Countdown(
            i.id,
            i.pdu.display_name,
            i.reinspection_on,
            (i.reinspection_on - on).days,
            i.confirmed_reinspection_on is not None,
        )
        for i in latest.values()
        if i.reinspection_on
    ]
