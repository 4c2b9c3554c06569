"""Work lists of actions: every filter, sort and page of the actions list as plain queries, scoped to what the
person may see. Rows are plain values, so a national list of 20,000 actions builds no ORM objects."""

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from tracker.actions.models import Action, ActionDependency, ActionRules
from tracker.auth.models import ACTION_OWNER, HEAD_OF_PDU, HMPPS_LEAD, REGIONAL_DIRECTOR, User
from tracker.auth.permissions import OWNER_ROLE_FOR_KIND
from tracker.extensions import db
from tracker.inspections.lists import current_inspection_condition, organisation_condition, visibility_condition
from tracker.inspections.models import Inspection
from tracker.organisations.models import PDU, Organisation, display_name_of
from tracker.recommendations.models import ADDRESSEE_KINDS, Recommendation, addressee_label
from tracker.recommendations.services import owned_recommendation_condition
from tracker.recommendations.status import COMPLETE, STATUSES
from tracker.shared.paging import PAGE_SIZE
from tracker.whole_numbers import record_id

OPEN = "open"
#: the roles whose holders are given actions to own; a viewer or an administrator is not
ACTION_ROLES = (HMPPS_LEAD, REGIONAL_DIRECTOR, HEAD_OF_PDU, ACTION_OWNER)


def may_own_actions(user) -> bool:
    """Whether "your actions" can mean anything to this person: they hold a role that is given actions, or own one
    all the same."""
    if any(user.has_role(role) for role in ACTION_ROLES):
        return True
    return db.session.scalar(select(Action.id).where(Action.owner_id == user.id).limit(1)) is not None


def may_own_recommendations(user) -> bool:
    """Whether "recommendations you own" can mean anything: they hold an owner's role, or lead one all the same."""
    if any(user.orgs_with_role(role) for role in OWNER_ROLE_FOR_KIND.values()):
        return True
    return db.session.scalar(select(Recommendation.id).where(Recommendation.lead_id == user.id).limit(1)) is not None


@dataclass
class ActionFilters:
    #: a PDU, a region (its PDUs) or HMPPS (everything): where the inspected PDU sits
    organisation_id: int | None = None
    #: pdu, region, hmpps or other: who the recommendation is addressed to
    addressee: str = ""
    #: "me", or a user's id as text
    owner: str = ""
    #: action statuses, or "open" for everything not complete
    statuses: list[str] = field(default_factory=list)
    overdue: bool = False
    #: only unfinished actions whose target has moved past the date first agreed
    slipped: bool = False
    #: only unfinished actions that wait on an unfinished action
    blocked: bool = False
    #: only unfinished actions that wait on an unfinished action the person owns
    waiting_on_mine: bool = False
    due_from: date | None = None
    due_to: date | None = None
    recommendation_id: int | None = None
    inspection_id: int | None = None
    #: only each PDU's current (latest published) inspection, as the dashboards count
    current_only: bool = False
    #: only actions on recommendations the person owns or leads
    recommendations_i_own: bool = False


@dataclass
class ActionRow(ActionRules):
    id: int
    description: str
    status: str
    target_on: date
    original_target_on: date
    owner_name: str | None
    recommendation_id: int
    recommendation_number: int
    inspection_id: int
    inspection_title: str
    pdu_name: str
    completed_on: date | None = None
    addressee_kind: str = ""
    addressee_name: str = ""
    owner_org_name: str = ""
    owner_org_kind: str = ""

    @property
    def addressee(self) -> str:
        """Who the action's recommendation is for (addressee_label): its PDU, or its region, HMPPS or another body."""
        owner = display_name_of(self.owner_org_name, self.owner_org_kind)
        return addressee_label(self.addressee_kind, self.addressee_name, owner, display_name_of(self.pdu_name, PDU))


@dataclass
class ActionPage:
    rows: list[ActionRow]
    total: int
    page: int
    pages: int


SORTS = ("due", "recommendation", "owner", "status", "pdu")


@cache
def aliases():
    """The inspected PDU and the action's owner, aliased once the mappers are configured (not at import)."""
    return aliased(Organisation, name="pdu_org"), aliased(User, name="action_owner")


@cache
def owner_org_alias():
    """The organisation owning the action's recommendation, for the rows' addressee."""
    return aliased(Organisation, name="owner_org")


def sort_columns(sort: str) -> tuple:
    pdu, owner = aliases()
    return {
        "recommendation": (pdu.name, Inspection.id, Recommendation.number, Action.id),
        "owner": (owner.name, Action.target_on, Action.id),
        "status": (Action.status, Action.target_on, Action.id),
        "pdu": (pdu.name, Action.target_on, Action.id),
    }.get(sort, (Action.target_on, Action.id))


def status_condition(statuses: list[str]):
    wanted = [s for s in statuses if s in STATUSES]
    conditions: list[ColumnElement[bool]] = [Action.status.in_(wanted)] if wanted else []
    if OPEN in statuses:
        conditions.append(Action.status != COMPLETE)
    return or_(*conditions) if conditions else None


def slipped_condition():
    """The query form of ActionRules.is_slipped: unfinished, and due later than the date first agreed."""
    return and_(Action.status != COMPLETE, Action.target_on > Action.original_target_on)


def blocked_condition(blocker_owner_id: int | None = None):
    """Unfinished, and waiting on an unfinished action (owned by `blocker_owner_id`, when given)."""
    blocker = aliased(Action)
    waits = (
        select(ActionDependency.action_id)
        .join(blocker, blocker.id == ActionDependency.blocker_id)
        .where(blocker.status != COMPLETE)
    )
    if blocker_owner_id is not None:
        waits = waits.where(blocker.owner_id == blocker_owner_id)
    return and_(Action.status != COMPLETE, Action.id.in_(waits))


def owner_condition(user, owner: str):
    if owner == "me":
        return Action.owner_id == user.id
    owner_id = record_id(owner)
    return Action.owner_id == owner_id if owner_id is not None else None


def filter_conditions(user, filters: ActionFilters, on: date) -> list:
    conditions = [visibility_condition(user)]
    optional = [
        filters.organisation_id and organisation_condition(filters.organisation_id),
        filters.addressee in ADDRESSEE_KINDS and Recommendation.addressee_kind == filters.addressee,
        owner_condition(user, filters.owner),
        status_condition(filters.statuses),
        filters.overdue and and_(Action.status != COMPLETE, Action.target_on < on),
        filters.slipped and slipped_condition(),
        filters.blocked and blocked_condition(),
        filters.waiting_on_mine and blocked_condition(user.id),
        filters.due_from and Action.target_on >= filters.due_from,
        filters.due_to and Action.target_on <= filters.due_to,
        filters.recommendation_id and Action.recommendation_id == filters.recommendation_id,
        filters.inspection_id and Recommendation.inspection_id == filters.inspection_id,
        filters.current_only and current_inspection_condition(),
        filters.recommendations_i_own and owned_recommendation_condition(user),
    ]
    # Each optional entry is a condition, or a falsy value when its filter is not set.
    return conditions + [condition for condition in optional if isinstance(condition, ColumnElement)]


def _joined(query):
    pdu, owner = aliases()
    return (
        query.select_from(Action)
        .join(Recommendation, Action.recommendation_id == Recommendation.id)
        .join(Inspection, Recommendation.inspection_id == Inspection.id)
        .join(pdu, Inspection.pdu_id == pdu.id)
        .outerjoin(owner, Action.owner_id == owner.id)
    )


def rows_query(user, filters: ActionFilters, on: date, sort: str = "due", descending: bool = False):
    pdu, owner = aliases()
    columns = sort_columns(sort)
    query = _joined(
        select(
            Action.id,
            Action.description,
            Action.status,
            Action.target_on,
            Action.original_target_on,
            owner.name,
            Recommendation.id,
            Recommendation.number,
            Inspection.id,
            Inspection.title,
            pdu.name,
            Action.completed_on,
            Recommendation.addressee_kind,
            Recommendation.addressee_name,
            owner_org_alias().name,
            owner_org_alias().kind,
        )
    )
    query = query.join(owner_org_alias(), Recommendation.owner_org_id == owner_org_alias().id).where(
        *filter_conditions(user, filters, on)
    )
    return query.order_by(*[column.desc() if descending else column for column in columns])


def count_actions(user, filters: ActionFilters, on: date) -> int:
    query = _joined(select(func.count(Action.id))).where(*filter_conditions(user, filters, on))
    return db.session.scalar(query) or 0


def list_actions(
    user, filters: ActionFilters, on: date, sort: str = "due", descending: bool = False, page: int = 1
) -> ActionPage:
    """One page of the filtered list, and how many there are in all: two queries whatever the data."""
    total = count_actions(user, filters, on)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    query = rows_query(user, filters, on, sort, descending).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    return ActionPage([ActionRow(*row) for row in db.session.execute(query)], total, page, pages)


def all_actions(user, filters: ActionFilters, on: date, sort: str = "due", descending: bool = False):
    """Every row of the filtered list, for the CSV download."""
    return [ActionRow(*row) for row in db.session.execute(rows_query(user, filters, on, sort, descending))]


def owner_choices(user) -> list[tuple[str, str]]:
    """People who own an action the user can see, in one query."""
    owners = _joined(select(Action.owner_id)).where(visibility_condition(user), Action.owner_id.is_not(None))
    return [
        (str(uid), name)
        for uid, name in db.session.execute(
            select(User.id, User.name).where(User.id.in_(owners)).order_by(User.name, User.id)
        )
    ]
