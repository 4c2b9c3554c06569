"""The readiness of one inspection's PDU for re-inspection: every figure the readiness page and report show."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask import current_app

from tracker.actions.models import Action
from tracker.assurance import services as assurance
from tracker.inspections.models import Inspection
from tracker.linked_text import LinkedText
from tracker.readiness import services
from tracker.readiness.loading import load_recommendations
from tracker.readiness.models import AuditRound
from tracker.readiness.projection import INADEQUATE, REQUIRES_IMPROVEMENT, Projection, baseline, project
from tracker.recommendations.models import Recommendation
from tracker.recommendations.status import Status, recommendation_status
from tracker.templating import format_date

#: how long an internal audit stays a fair picture of practice, when the configuration does not say
AUDIT_STALE_DAYS = 90


#: one thing that must still happen: a plain sentence (as emails show it) that knows the page where it is done
Step = LinkedText


def _rec(text: str, rec) -> Step:
    return Step(text, "recommendations.show_recommendation", recommendation_id=rec.id)


def _action(text: str, action) -> Step:
    return Step(text, "actions.show_action", action_id=action.id)


@dataclass
class RoundView:
    audit_round: AuditRound
    projection: Projection


@dataclass
class Readiness:
    inspection: Inspection
    on: date
    recommendations: list[Recommendation]
    statuses: dict[int, Status]
    baseline: Projection
    rounds: list[RoundView]
    evidence_accepted: int | None
    must_happen: list[str] = field(default_factory=list)

    @property
    def reinspection_on(self) -> date | None:
        return self.inspection.reinspection_on

    @property
    def reinspection_confirmed(self) -> bool:
        return self.inspection.confirmed_reinspection_on is not None

    @property
    def days_to_reinspection(self) -> int | None:
        return (self.reinspection_on - self.on).days if self.reinspection_on else None

    @property
    def status_counts(self) -> list[tuple[Status, int]]:
        counts = Counter(status.key for status in self.statuses.values())
        seen: dict[str, Status] = {}
        for status in self.statuses.values():
            seen.setdefault(status.key, status)
        return [(seen[key], counts[key]) for key in sorted(seen, key=lambda k: -counts[k])]

    @property
    def actions(self) -> list[Action]:
        return [action for rec in self.recommendations for action in rec.actions]

    @property
    def actions_complete(self) -> int:
        return sum(1 for action in self.actions if action.is_complete)

    @property
    def overdue_actions(self) -> list[Action]:
        return sorted((a for a in self.actions if a.is_overdue(self.on)), key=lambda a: a.target_on)

    @property
    def evidence_total(self) -> int:
        return sum(len(rec.evidence) for rec in self.recommendations)

    @property
    def latest(self) -> RoundView | None:
        return self.rounds[-1] if self.rounds else None


def evidence_accepted_count(inspection: Inspection) -> int:
    """Evidence accepted by a reviewer, from the assurance feature."""
    return assurance.evidence_accepted_count(inspection)


def readiness_for(inspection: Inspection, on: date) -> Readiness:
    """Load everything the page needs in a fixed number of queries and work out the figures."""
    recommendations = load_recommendations([inspection.id])
    bands = services.bands()
    rounds = [RoundView(r, project(services.standard_inputs(inspection, r), bands))
              for r in services.rounds_for(inspection.id)]
    readiness = Readiness(
        inspection=inspection, on=on, recommendations=recommendations,
        statuses={rec.id: recommendation_status(rec, on) for rec in recommendations},
        baseline=baseline(services.standard_inputs(inspection, None), bands),
        rounds=rounds, evidence_accepted=evidence_accepted_count(inspection),
    )
    readiness.must_happen = must_happen(readiness)
    return readiness


def _plan_steps(readiness: Readiness) -> list[str]:
    steps = []
    for rec in readiness.recommendations:
        if rec.response is None:
            steps.append(_rec(f"Record the response (agreed, partly agreed or not agreed) to recommendation "
                              f"{rec.number}.", rec))
        elif not rec.actions and readiness.statuses[rec.id].key != "not_agreed":
            steps.append(_rec(f"Agree at least one action for recommendation {rec.number}.", rec))
        elif rec.actions and all(a.is_complete for a in rec.actions) and not rec.evidence:
            steps.append(_rec(f"Add evidence that recommendation {rec.number} has been delivered.", rec))
    for action in readiness.overdue_actions:
        owner = action.owner.name if action.owner else "no owner"
        steps.append(_action(f"Complete the overdue action for recommendation {action.recommendation.number} "
                             f"({owner}), due {format_date(action.target_on)}: {action.description}", action))
    if readiness.reinspection_on:
        late = [a for a in readiness.actions if not a.is_complete and a.target_on > readiness.reinspection_on]
        for action in late:
            steps.append(_action(f"Bring forward or justify the action for recommendation "
                                 f"{action.recommendation.number}, due {format_date(action.target_on)}, after the "
                                 f"re-inspection: {action.description}", action))
    return steps


def _audit_steps(readiness: Readiness) -> list[str]:
    latest = readiness.latest
    if latest is None:
        return [Step("Run an internal case audit and record it, so the projected ratings can be worked out.",
                     "readiness.show_readiness", inspection_id=readiness.inspection.id, _anchor="projection")]
    steps = []
    stale_after = int(current_app.config.get("READINESS_AUDIT_STALE_AFTER_DAYS", AUDIT_STALE_DAYS))
    if (readiness.on - latest.audit_round.held_on).days > stale_after:
        steps.append(Step(f"Run another internal case audit: the last was more than {stale_after} days ago.",
                          "readiness.show_readiness", inspection_id=readiness.inspection.id, _anchor="projection"))
    for standard in latest.projection.standards:
        if standard.rating in (INADEQUATE, REQUIRES_IMPROVEMENT) and standard.lowest is not None:
            steps.append(Step(f"Improve {standard.code} {standard.name}: projected {standard.rating}, "
                              f"lowest key question {standard.lowest}%.", "readiness.show_readiness",
                              inspection_id=readiness.inspection.id, _anchor="projection"))
    return steps


def must_happen(readiness: Readiness) -> list[Step]:
    """Plain sentences, most basic first: what still has to happen before the inspectors return."""
    steps = []
    if readiness.reinspection_on is None:
        steps.append(Step("Set the expected re-inspection date.", "inspections.show_inspection",
                          inspection_id=readiness.inspection.id))
    return steps + _plan_steps(readiness) + _audit_steps(readiness)
