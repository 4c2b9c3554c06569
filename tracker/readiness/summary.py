"""The readiness of one inspection's PDU for re-inspection: every figure the readiness page and report show."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask import current_app

from tracker.actions.models import Action
from tracker.assurance import services as assurance
from tracker.inspections.models import Inspection
from tracker.readiness import services
from tracker.readiness.loading import load_recommendations
from tracker.readiness.models import AuditRound
from tracker.readiness.projection import INADEQUATE, REQUIRES_IMPROVEMENT, Projection, baseline, project
from tracker.readiness.tasks import Task, action_tasks, assurance_tasks, latest_decisions, rec_task, unfinished_blockers
from tracker.recommendations.models import Recommendation
from tracker.recommendations.status import Status, recommendation_status
from tracker.templating import pluralise

#: how long an internal audit stays a fair picture of practice, when the configuration does not say
AUDIT_STALE_DAYS = 90


def _rec(text: str, rec) -> Task:
    return rec_task(text, "plan", rec)


def _readiness_task(text: str, kind: str, readiness: "Readiness", hint: str = "") -> Task:
    return Task(
        text, kind, "readiness.show_readiness", hint=hint, inspection_id=readiness.inspection.id, _anchor="projection"
    )


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
    must_happen: list[Task] = field(default_factory=list)

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
    rounds = [
        RoundView(r, project(services.standard_inputs(inspection, r), bands))
        for r in services.rounds_for(inspection.id)
    ]
    readiness = Readiness(
        inspection=inspection,
        on=on,
        recommendations=recommendations,
        statuses={rec.id: recommendation_status(rec, on) for rec in recommendations},
        baseline=baseline(services.standard_inputs(inspection, None), bands),
        rounds=rounds,
        evidence_accepted=evidence_accepted_count(inspection),
    )
    readiness.must_happen = must_happen(readiness, latest_decisions(inspection.id), unfinished_blockers(inspection.id))
    return readiness


def _plan_steps(readiness: Readiness) -> list[Task]:
    steps = []
    for rec in readiness.recommendations:
        if rec.response is None:
            steps.append(
                _rec(f"Record the response (agreed, partly agreed or not agreed) to recommendation {rec.number}.", rec)
            )
        elif not rec.actions and readiness.statuses[rec.id].key != "not_agreed":
            steps.append(_rec(f"Agree at least one action for recommendation {rec.number}.", rec))
        elif rec.actions and all(a.is_complete for a in rec.actions) and not rec.evidence:
            steps.append(_rec(f"Add evidence that recommendation {rec.number} has been delivered.", rec))
    return steps


def _audit_steps(readiness: Readiness) -> list[Task]:
    latest = readiness.latest
    if latest is None:
        return [
            _readiness_task(
                "Run an internal case audit and record it, so the projected ratings can be worked out.",
                "audit",
                readiness,
            )
        ]
    steps = []
    stale_after = int(current_app.config.get("READINESS_AUDIT_STALE_AFTER_DAYS", AUDIT_STALE_DAYS))
    if (readiness.on - latest.audit_round.held_on).days > stale_after:
        steps.append(
            _readiness_task(
                f"Run another internal case audit: the last was more than {pluralise(stale_after, 'day')} ago.",
                "audit",
                readiness,
            )
        )
    minimum = services.bands().minimum_cases
    for standard in latest.projection.too_few:
        steps.append(
            _readiness_task(
                f"Audit at least {minimum} cases for {standard.code} {standard.name}: {standard.cases} were audited, "
                f"too few to project its rating.",
                "too_few",
                readiness,
            )
        )
    for standard in latest.projection.standards:
        if standard.rating in (INADEQUATE, REQUIRES_IMPROVEMENT) and standard.lowest is not None:
            steps.append(
                _readiness_task(
                    f"Improve {standard.code} {standard.name}: projected {standard.rating}, "
                    f"lowest key question {standard.lowest}%"
                    + (f" ({standard.sample})" if standard.sample else "")
                    + ".",
                    "improve",
                    readiness,
                )
            )
    return steps


def must_happen(readiness: Readiness, decisions: dict, blocked: dict) -> list[Task]:
    """Plain sentences, most basic first: what still has to happen before the inspectors return."""
    steps = []
    if readiness.reinspection_on is None:
        steps.append(
            Task(
                "Set the expected re-inspection date.",
                "date",
                "inspections.show_inspection",
                inspection_id=readiness.inspection.id,
            )
        )
    return (
        steps
        + _plan_steps(readiness)
        + assurance_tasks(readiness.recommendations, readiness.statuses, decisions)
        + action_tasks(readiness.actions, readiness.on, readiness.reinspection_on, blocked)
        + _audit_steps(readiness)
    )
