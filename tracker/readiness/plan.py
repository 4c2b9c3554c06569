"""The action plan of a PDU, a region or the country on one page: every recommendation of each PDU's current
inspection with its actions beneath, each flagged by the same timeliness rule as every other page, worst first."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from tracker.actions.models import TIMELINESS_LABELS, Action, Timeliness
from tracker.actions.services import blocked_action_ids
from tracker.inspections.models import Inspection
from tracker.organisations.models import Organisation
from tracker.readiness import dashboards
from tracker.readiness.loading import load_recommendations
from tracker.recommendations.models import ACCEPTED, NOT_AGREED, Recommendation
from tracker.recommendations.services import decisions_on
from tracker.recommendations.status import Status, action_status, latest_submission, recommendation_status

#: what each filter value keeps: an action flag, or "blocked" (waits on an unfinished action)
FLAG_CHOICES = [*TIMELINESS_LABELS.items(), ("blocked", "Blocked")]
ASSURANCE_LABELS = {
    None: "Not submitted",
    "submitted": "Awaiting review",
    "returned": "Returned",
    "assured": "Assured",
    "reopened": "Reopened",
    "withdrawn": "Withdrawn",
}
NO_ACTIONS = Timeliness("no_actions", "No actions", "grey", 5)
NOT_AGREED_FLAG = Timeliness("not_agreed", "Not agreed", "grey", 7)


@dataclass
class PlanAction:
    action: Action
    status: Status
    flag: Timeliness
    blocked: bool
    evidence: str


@dataclass
class PlanRecommendation:
    recommendation: Recommendation
    status: Status
    flag: Timeliness
    actions: list[PlanAction]
    blocked: bool
    evidence: str
    assurance: str


@dataclass
class PlanGroup:
    pdu: Organisation
    inspection: Inspection
    recommendations: list[PlanRecommendation] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def rank(self) -> tuple:
        worst = min((rec.flag.rank for rec in self.recommendations), default=9)
        return worst, -self.counts["overdue"], -self.counts["slipped"], -self.counts["blocked"], self.pdu.name


@dataclass
class Filters:
    flags: list[str] = field(default_factory=list)
    #: pdu, region, hmpps or other
    addressee: str = ""


@dataclass
class Plan:
    scope_name: str
    groups: list[PlanGroup]
    #: PDUs in scope with no inspection: one line, not empty groups
    uninspected: list[Organisation]
    on: date

    @property
    def recommendation_count(self) -> int:
        return sum(len(group.recommendations) for group in self.groups)


def evidence_state(items, decisions) -> str:
    """None, awaiting review, accepted or rejected: the reviewer's latest word on the evidence given."""
    if not items:
        return "None"
    latest = [decisions.get(item.id) for item in items]
    if any(decision is None for decision in latest):
        return "Awaiting review"
    return "Accepted" if any(decision.decision == ACCEPTED for decision in latest) else "Rejected"


def _matches(rec: PlanRecommendation, filters: Filters) -> bool:
    if filters.addressee and rec.recommendation.addressee_kind != filters.addressee:
        return False
    if not filters.flags:
        return True
    keys = {item.flag.key for item in rec.actions} | ({"blocked"} if rec.blocked else set()) | {rec.flag.key}
    return bool(keys & set(filters.flags))


def _plan_recommendation(rec, on: date, blocked: set[int], decisions) -> PlanRecommendation:
    actions = [
        PlanAction(a, action_status(a, on), a.timeliness(on), a.id in blocked, evidence_state(a.evidence, decisions))
        for a in rec.actions
    ]
    if rec.response == NOT_AGREED:
        flag = NOT_AGREED_FLAG
    else:
        flag = min((item.flag for item in actions), key=lambda f: f.rank, default=NO_ACTIONS)
    submission = latest_submission(rec)
    return PlanRecommendation(
        rec,
        recommendation_status(rec, on),
        flag,
        actions,
        any(item.blocked for item in actions),
        evidence_state(rec.evidence, decisions),
        ASSURANCE_LABELS.get(submission.state if submission else None, "Not submitted"),
    )


def build_plan(pdus: list[Organisation], scope_name: str, on: date, filters: Filters) -> Plan:
    """Each PDU's current inspection, in a fixed number of queries; groups and their PDUs worst first."""
    inspections = dashboards.current_inspections(dashboards.inspections_of([pdu.id for pdu in pdus]))
    recommendations = load_recommendations([i.id for i in inspections])
    blocked = blocked_action_ids(a.id for rec in recommendations for a in rec.actions)
    decisions = decisions_on([item.id for rec in recommendations for item in rec.evidence])
    groups = {i.id: PlanGroup(i.pdu, i) for i in inspections}
    for rec in recommendations:
        item = _plan_recommendation(rec, on, blocked, decisions)
        if not _matches(item, filters):
            continue
        group = groups[rec.inspection_id]
        group.recommendations.append(item)
        group.counts.update(action.flag.key for action in item.actions)
        group.counts["blocked"] += sum(1 for action in item.actions if action.blocked)
    inspected = {i.pdu_id for i in inspections}
    shown = [group for group in groups.values() if group.recommendations or not (filters.flags or filters.addressee)]
    return Plan(
        scope_name, sorted(shown, key=lambda group: group.rank), [pdu for pdu in pdus if pdu.id not in inspected], on
    )
