"""Loads the demo: the Barking, Dagenham and Havering report through the importer, its action plan, and
one user for each role; with `region`, also the living region's fictional London inspections (tracker.demo.region).
Loading it again adds nothing."""

import secrets
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from tracker.actions.models import ProgressUpdate, TargetDateRevision
from tracker.actions.services import build_action
from tracker.assurance.dependencies import build_dependency
from tracker.auth.models import RoleAssignment, User
from tracker.auth.services import create_user, find_user
from tracker.demo.pdf import text_pdf
from tracker.evidence.services import build_file_evidence, build_link_evidence
from tracker.extensions import db
from tracker.importer.extract import extract_text
from tracker.importer.parser import parse_report
from tracker.importer.services import build_inspection, existing_import, fingerprint
from tracker.inspections.models import Inspection
from tracker.organisations import services as organisations
from tracker.recommendations.status import COMPLETE

DATA = Path(__file__).parent / "data"
REPORT_FILE = DATA / "barking-dagenham-havering-2022.txt"
PLAN_FILE = DATA / "plan.toml"
PDU_NAME = "Barking, Dagenham and Havering"


@dataclass
class DemoResult:
    inspection: Inspection
    created: bool
    password: str | None
    #: the fictional inspections of the living region added by this load
    fictional: list[Inspection] = field(default_factory=list)


def demo_password(explicit: str | None) -> tuple[str, bool]:
    """The configured demo password, or a new random one (returned so it can be printed once)."""
    configured = explicit or current_app.config.get("DEMO_PASSWORD")
    if configured:
        return str(configured), False
    return secrets.token_urlsafe(12), True


def load_plan() -> dict:
    with PLAN_FILE.open("rb") as handle:
        return tomllib.load(handle)


def ensure_users(plan: dict, orgs: dict, password: str) -> dict[str, User]:
    users = {}
    for spec in plan["users"]:
        user = find_user(spec["email"])
        if user is None:
            user = create_user(spec["email"], spec["name"], password)
        org = orgs[spec["organisation"]]
        if not any(a.role == spec["role"] and a.organisation_id == org.id for a in user.roles):
            user.roles.append(RoleAssignment(role=spec["role"], organisation=org))
        users[spec["email"]] = user
    db.session.flush()
    return users


def at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def demo_file_bytes(filename: str, title: str) -> bytes:
    if filename.endswith(".pdf"):
        return minimal_pdf(title)
    return f"Team,Grade,Attended\nTeam 1,PO,9\nTeam 2,PQiP,8\nTeam 3,PSO,11\n# {title}\n".encode()


def minimal_pdf(title: str) -> bytes:
    """A one-page PDF with the title as its text: enough to be a real PDF for the demo's evidence."""
    return text_pdf(title)


def add_action(recommendation, spec: dict, users: dict[str, User], today: date) -> None:
    owner = users[spec["owner"]]
    original = today + timedelta(days=spec["original_target"])
    action = build_action(recommendation, spec["description"], owner.id, original, spec.get("status", "not_started"))
    action.created_at = at(original - timedelta(days=90))
    if "target" in spec:
        action.target_on = today + timedelta(days=spec["target"])
        db.session.add(
            TargetDateRevision(
                action=action,
                previous_on=original,
                new_on=action.target_on,
                reason=spec["revision_reason"],
                revised_by_id=recommendation.lead_id,
                revised_at=at(today + timedelta(days=spec["target"] - 50)),
            )
        )
    if action.status == COMPLETE:
        action.completed_on = today + timedelta(days=spec["completed"])
    for offset, narrative, status in spec.get("updates", []):
        db.session.add(
            ProgressUpdate(
                action=action,
                author_id=owner.id,
                narrative=narrative,
                status_to=status or None,
                created_at=at(today + timedelta(days=offset)),
            )
        )
    for kind, title, description, target in spec.get("evidence", []):
        if kind == "file":
            build_file_evidence(
                owner, recommendation, action, title, description, target, demo_file_bytes(target, title)
            )
        else:
            build_link_evidence(owner, recommendation, action, title, description, target)


def build_plan(inspection: Inspection, plan: dict, users: dict[str, User], today: date) -> None:
    inspection.expected_reinspection_on = today + timedelta(days=plan["reinspection_in_days"])
    standards = {s.code: s for s in inspection.standards}
    by_number = {r.number: r for r in inspection.recommendations}
    for spec in plan["recommendations"]:
        recommendation = by_number[spec["number"]]
        recommendation.lead = users[spec["lead"]]
        recommendation.response = spec["response"]
        recommendation.response_rationale = spec.get("rationale", "")
        recommendation.standards = [standards[code] for code in spec.get("standards", []) if code in standards]
        for action_spec in spec.get("actions", []):
            add_action(recommendation, action_spec, users, today)


def add_dependencies(inspection: Inspection, plan: dict) -> None:
    """The cross-level dependencies of the plan; called only when the plan is first built, so loading again
    adds nothing."""
    by_number = {r.number: r for r in inspection.recommendations}
    for waiting, blocking in plan.get("dependencies", []):
        for action in by_number[waiting].actions:
            for blocker in by_number[blocking].actions:
                build_dependency(None, action, blocker)


def load_demo(today: date, password: str | None = None, quiet: bool = False, region: bool = False) -> DemoResult:
    """Seed organisations, users and the Barking inspection with its plan, in one commit; with `region`, then the
    living region's fictional inspections. Idempotent."""
    hmpps = organisations.seed_organisations()
    london = organisations.find_region("London")
    pdu = organisations.find_pdu(PDU_NAME)
    assert pdu is not None  # one of London's PDUs, seeded just above
    password, generated = demo_password(password)
    plan = load_plan()
    users = ensure_users(plan, {"national": hmpps, "region": london, "pdu": pdu}, password)
    text = extract_text(REPORT_FILE.read_bytes(), REPORT_FILE.name)
    sha = fingerprint(text)
    inspection = existing_import(sha)
    created = inspection is None
    if inspection is None:
        inspection = build_inspection(parse_report(text), pdu, sha)
        build_plan(inspection, plan, users, today)
        add_dependencies(inspection, plan)
    db.session.commit()
    fictional = []
    if region:
        # the region's loader builds on this module's helpers, so it is imported once they exist
        from tracker.demo.region import load_region

        fictional = load_region(today, password)
    return DemoResult(inspection, created, password if generated and created else None, fictional)


def demo_emails() -> list[str]:
    """Barking's demo users; the living region's heads of PDU are in tracker.demo.region."""
    return [spec["email"] for spec in load_plan()["users"]]


def has_demo_users() -> bool:
    return db.session.scalar(select(User.id).where(User.email.in_(demo_emails()))) is not None
