"""The living region: fictional inspections of five other London PDUs (data/region.toml), each at a different
stage (mostly assured, slipping, blocked, just imported, awaiting the director's review), so the regional
director's plan and dashboard compare several PDUs. Every inspection loaded here is marked `is_fictional`.

Loading it again adds nothing: each fictional inspection is recognised by a fingerprint of its PDU's name."""

import hashlib
import tomllib
from datetime import date, timedelta

from sqlalchemy import select

from tracker.assurance import services as assurance
from tracker.assurance.dependencies import build_dependency
from tracker.audit.services import record_event
from tracker.auth.models import User
from tracker.auth.services import find_user
from tracker.demo.services import DATA, add_action, ensure_users
from tracker.extensions import db
from tracker.importer.schema import KeyQuestionData, RecommendationData, ReportExtraction, StandardData
from tracker.importer.services import build_inspection, existing_import
from tracker.inspections.models import RATING_SCORES, Inspection
from tracker.organisations import services as organisations
from tracker.recommendations.models import ACCEPTED, ADDRESSEE_PDU

REGION_FILE = DATA / "region.toml"
STANDARDS = (
    ("1.1", "Leadership", 1),
    ("1.2", "Staff", 1),
    ("1.3", "Services", 1),
    ("1.4", "Information and facilities", 1),
    ("2.1", "Court work", 2),
    ("2.2", "Assessment", 2),
    ("2.3", "Planning", 2),
    ("2.4", "Implementation and delivery", 2),
    ("2.5", "Reviewing", 2),
)
#: the key questions of 2.2 to 2.5, in the inspectorate's words (as in the Barking report)
KEY_QUESTIONS = {
    "2.2": (
        "Does assessment focus sufficiently on engaging the person on probation?",
        "Does assessment focus sufficiently on the factors linked to offending and desistance?",
        "Does assessment focus sufficiently on keeping other people safe?",
    ),
    "2.3": (
        "Does planning focus sufficiently on engaging the person on probation?",
        "Does planning focus sufficiently on reducing reoffending and supporting desistance?",
        "Does planning focus sufficiently on keeping other people safe?",
    ),
    "2.4": (
        "Is the sentence or post-custody period implemented effectively with a focus on engaging the person "
        "on probation?",
        "Does the implementation and delivery of services effectively support desistance?",
        "Does the implementation and delivery of services effectively support the safety of other people?",
    ),
    "2.5": (
        "Does reviewing focus sufficiently on supporting the compliance and engagement of the person on probation?",
        "Does reviewing focus sufficiently on supporting desistance?",
        "Does reviewing focus sufficiently on keeping other people safe?",
    ),
}
DIRECTOR = "london.director@example.org"
#: reviews the region's own recommendations (an HMPPS lead who neither owns nor submitted them)
HMPPS_REVIEWER = "hmpps.assurance@example.org"


def load_region_data() -> dict:
    with REGION_FILE.open("rb") as handle:
        return tomllib.load(handle)


def region_emails() -> list[str]:
    return [spec["email"] for spec in load_region_data()["users"]]


def loaded_region_users() -> list[dict]:
    """The living region's users that are in this database (none when only Barking is loaded)."""

    specs = load_region_data()["users"]
    present = set(db.session.scalars(select(User.email).where(User.email.in_([s["email"] for s in specs]))))
    return [spec for spec in specs if spec["email"] in present]


def region_fingerprint(pdu_name: str) -> str:
    return hashlib.sha256(f"fictional demo inspection: {pdu_name}".encode()).hexdigest()


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def extraction_for(spec: dict, today: date) -> ReportExtraction:
    """What the importer would have read from such a report, had it been published."""
    published = first_of_month(today + timedelta(days=spec["published"]))
    fieldwork = first_of_month(published - timedelta(days=spec["fieldwork_before"]))
    questions = dict(zip(("2.2", "2.3", "2.4", "2.5"), spec["key_questions"], strict=True))
    standards = [
        StandardData(
            code,
            name,
            domain,
            rating,
            [
                KeyQuestionData(text, percentage)
                for text, percentage in zip(KEY_QUESTIONS.get(code, ()), questions.get(code, ()), strict=False)
            ],
        )
        for (code, name, domain), rating in zip(STANDARDS, spec["ratings"], strict=True)
    ]
    rated = [s.rating for s in standards if s.rating in RATING_SCORES]
    pdu = spec["pdu"]
    recommendations = [
        RecommendationData(
            rec["number"], rec["text"], rec["addressee"], pdu if rec["addressee"] == ADDRESSEE_PDU else "London region"
        )
        for rec in spec["recommendations"]
    ]
    return ReportExtraction(
        pdu_name=pdu,
        region_name="London",
        fieldwork_on=fieldwork,
        is_fieldwork_month_only=True,
        published_on=published,
        is_published_month_only=True,
        overall_rating=spec["overall_rating"],
        score=sum(RATING_SCORES[r] for r in rated),
        score_max=3 * len(rated),
        standards=standards,
        recommendations=recommendations,
    )


def build_fictional(spec: dict, users: dict[str, User], today: date) -> Inspection:
    pdu = organisations.find_pdu(spec["pdu"])
    assert pdu is not None  # one of London's PDUs, seeded by load_demo before this runs
    inspection = build_inspection(extraction_for(spec, today), pdu, region_fingerprint(spec["pdu"]))
    inspection.is_fictional = True
    if "reinspection_in_days" in spec:
        inspection.expected_reinspection_on = today + timedelta(days=spec["reinspection_in_days"])
    standards = {s.code: s for s in inspection.standards}
    by_number = {r.number: r for r in inspection.recommendations}
    for rec_spec in spec["recommendations"]:
        recommendation = by_number[rec_spec["number"]]
        accountable = spec["head"] if rec_spec["addressee"] == ADDRESSEE_PDU else DIRECTOR
        recommendation.lead = users[accountable]
        recommendation.response = rec_spec.get("response")
        recommendation.response_rationale = rec_spec.get("rationale", "")
        recommendation.standards = [standards[code] for code in rec_spec.get("standards", [])]
        for action_spec in rec_spec.get("actions", []):
            add_action(recommendation, {"owner": accountable, **action_spec}, users, today)
        for action in recommendation.actions:
            record_event(
                None,
                "action",
                action.id,
                "create",
                f"Added action (fictional demo data): {action.description}",
                recommendation_id=recommendation.id,
                inspection_id=inspection.id,
            )
    db.session.flush()
    return inspection


def add_fictional_dependencies(inspection: Inspection, spec: dict) -> None:
    by_number = {r.number: r for r in inspection.recommendations}
    for waiting, blocking in spec.get("dependencies", []):
        for action in by_number[waiting].actions:
            for blocker in by_number[blocking].actions:
                build_dependency(None, action, blocker)


def take_through_assurance(inspection: Inspection, spec: dict, users: dict[str, User]) -> None:
    """Submit, and where the data says so assure, through the assurance services themselves, so each step has its
    audit event and notification as it would for real. Each service commits."""
    by_number = {r.number: r for r in inspection.recommendations}
    for rec_spec in spec["recommendations"]:
        state = rec_spec.get("assurance")
        if not state:
            continue
        recommendation = by_number[rec_spec["number"]]
        assurance.submit_recommendation(recommendation.lead, recommendation)
        if state == "assured":
            reviewer = users[DIRECTOR if rec_spec["addressee"] == ADDRESSEE_PDU else HMPPS_REVIEWER]
            # the reviewer decides on each item ("Accept all remaining" accepts only what they have opened)
            answers = [(item, ACCEPTED, "", None) for item in recommendation.evidence]
            assurance.decide_evidence_items(reviewer, recommendation, answers)
            assurance.assure_recommendation(reviewer, recommendation)


def load_region(today: date, password: str) -> list[Inspection]:
    """Add the fictional London inspections not loaded yet; returns the ones added. Barking is not touched."""
    data = load_region_data()
    orgs = {}
    orgs.update({spec["organisation"]: organisations.find_pdu(spec["organisation"]) for spec in data["users"]})
    users = ensure_users({"users": data["users"]}, orgs, password)
    # the Barking demo's director and second HMPPS lead, loaded first
    for email in (DIRECTOR, HMPPS_REVIEWER):
        user = find_user(email)
        assert user is not None  # made by load_demo before this runs
        users[email] = user
    added = []
    for spec in data["inspections"]:
        if existing_import(region_fingerprint(spec["pdu"])) is not None:
            continue
        inspection = build_fictional(spec, users, today)
        add_fictional_dependencies(inspection, spec)
        db.session.commit()
        take_through_assurance(inspection, spec, users)
        added.append(inspection)
    db.session.commit()
    return added
