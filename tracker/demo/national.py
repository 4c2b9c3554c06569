"""Synthetic national data: every region and about 108 PDUs, each with inspections, action plans, progress,
evidence and internal audits, so dashboards and readiness pages can be tried and measured at national scale.

Rows go in with bulk inserts (one statement per table per batch) so the whole load takes seconds. The names of
PDUs outside London are made up; London's are the real ones already seeded.
"""

import random
import re
import secrets
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from flask import current_app
from sqlalchemy import Table, func, insert, select, text
from werkzeug.security import generate_password_hash

from tracker.actions.models import Action, ProgressUpdate
from tracker.audit.services import record_event
from tracker.auth.models import ACTION_OWNER, HEAD_OF_PDU, REGIONAL_DIRECTOR, RoleAssignment, User
from tracker.auth.services import password_hash_method
from tracker.evidence.models import LINK, Evidence
from tracker.extensions import db
from tracker.inspections.models import RATING_SCORES, Inspection, KeyQuestion, Standard
from tracker.organisations import services as organisations
from tracker.organisations.models import PDU, REGION, Organisation
from tracker.readiness.models import AuditRound, AuditRoundAnswer, AuditRoundStandard
from tracker.readiness.projection import Bands, band_for, overall_rating
from tracker.recommendations.models import AGREED, NOT_AGREED, PARTLY_AGREED, Recommendation
from tracker.recommendations.status import COMPLETE, IN_PROGRESS, NOT_STARTED

#: PDUs per region (domain.md, HMPPS reference data 2025)
PDU_COUNTS = {
    "East Midlands": 6,
    "East of England": 8,
    "Greater Manchester": 8,
    "Kent, Surrey and Sussex": 6,
    "London": 18,
    "North East": 7,
    "North West": 13,
    "South Central": 7,
    "South West": 9,
    "Wales": 6,
    "West Midlands": 12,
    "Yorkshire and the Humber": 11,
}
MARKER = "national-synthetic"
DOMAIN_ONE = (("1.1", "Leadership"), ("1.2", "Staff"), ("1.3", "Services"), ("1.4", "Information and facilities"))
DOMAIN_TWO = (
    ("2.1", "Court work"),
    ("2.2", "Assessment"),
    ("2.3", "Planning"),
    ("2.4", "Implementation and delivery"),
    ("2.5", "Reviewing"),
)
KEY_QUESTIONS = (
    "focus sufficiently on engaging the person on probation?",
    "focus sufficiently on reducing reoffending and supporting desistance?",
    "focus sufficiently on keeping other people safe?",
)
THEMES = (
    "risk of harm assessment",
    "domestic abuse enquiries",
    "management oversight",
    "MAPPA referrals",
    "caseload levels for PQiP learners",
    "child safeguarding checks",
    "accommodation services",
    "the quality of reviews",
    "contingency planning",
    "staff induction",
    "interpreter services",
    "information sharing with the police",
    "unpaid work backlogs",
    "accredited programme waiting lists",
    "diversity and inclusion",
)
ACTION_VERBS = (
    "Train practitioners in",
    "Audit ten cases a month on",
    "Agree a protocol with partners on",
    "Publish guidance on",
    "Set a quality standard for",
    "Review the approach to",
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def _insert(model, rows: list[dict], returning: bool = False) -> list[int]:
    """Bulk insert; with returning, the new ids in the order of the rows."""
    if not rows:
        return []
    if returning:
        return list(db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))
    db.session.execute(insert(model), rows)
    return []


def _ensure_pdus(limit: int | None) -> dict[str, list[Organisation]]:
    hmpps = organisations.seed_organisations()
    regions = {r.name: r for r in db.session.scalars(select(Organisation).where(Organisation.kind == REGION))}
    for name, count in PDU_COUNTS.items():
        existing = {p.name for p in regions[name].children}
        wanted = [f"{name} area {n}" for n in range(1, count + 1)] if name != "London" else []
        for pdu_name in wanted[:limit] if limit else wanted:
            if pdu_name not in existing:
                db.session.add(Organisation(kind=PDU, name=pdu_name, parent=regions[name]))
    db.session.flush()
    result = {}
    for name, region in regions.items():
        pdus = sorted(region.children, key=lambda p: p.name)
        result[name] = pdus[:limit] if limit else pdus
    return result | {"_national": [hmpps]}


def _ensure_users(pdus_by_region: dict, password_hash: str) -> dict[tuple[str, int], int]:
    """A head of PDU and an action owner per PDU, a director per region: (role, org id) → user id."""
    holders = {(a.role, a.organisation_id): a.user_id for a in db.session.scalars(select(RoleAssignment))}
    users, roles = [], []
    for region_name, pdus in pdus_by_region.items():
        if region_name == "_national":
            continue
        region = pdus[0].parent if pdus else None
        wanted = [(REGIONAL_DIRECTOR, region, f"director.{_slug(region_name)}")] if region else []
        wanted += [
            (role, pdu, f"{prefix}.{_slug(pdu.name)}")
            for pdu in pdus
            for role, prefix in ((HEAD_OF_PDU, "head"), (ACTION_OWNER, "owner"))
        ]
        for role, org, local in wanted:
            if (role, org.id) not in holders:
                users.append(
                    {
                        "email": f"{local}@example.org",
                        "name": _person_name(local),
                        "password_hash": password_hash,
                        "is_active": True,
                        "reminder_preference": "weekly",
                        "failed_sign_ins": 0,
                        "created_at": _at(date(2026, 1, 5)),
                    }
                )
                roles.append((role, org.id))
    ids = _insert(User, users, returning=True)
    _insert(
        RoleAssignment,
        [
            {"user_id": uid, "role": role, "organisation_id": org_id}
            for uid, (role, org_id) in zip(ids, roles, strict=True)
        ],
    )
    holders.update({key: uid for key, uid in zip(roles, ids, strict=True)})
    return holders


def _person_name(local: str) -> str:
    first = ("Alex", "Sam", "Jo", "Ravi", "Amara", "Kit", "Nia", "Owen", "Leah", "Tariq", "Mei", "Dan")
    last = ("Hughes", "Patel", "Evans", "Khan", "Owusu", "Walsh", "Lewis", "Begum", "Price", "Novak")
    seed = sum(map(ord, local))
    return f"{first[seed % len(first)]} {last[(seed // 7) % len(last)]}"


def _standard_rows(rng: random.Random, inspection_id: int, strength: int) -> tuple[list[dict], list[list[int]]]:
    """Standards for one inspection and the key-question percentages of each case-supervision standard."""
    rows, percentages = [], []
    court_rated = rng.random() < 0.3
    for position, (code, name) in enumerate(DOMAIN_ONE + DOMAIN_TWO):
        domain = 1 if code.startswith("1") else 2
        kqs = (
            [max(5, min(98, strength + rng.randint(-18, 18))) for _ in KEY_QUESTIONS]
            if domain == 2 and (code != "2.1" or court_rated)
            else []
        )
        if kqs:
            rating = band_for(min(kqs), Bands())
        elif code == "2.1":
            rating = "Not applicable"
        else:
            rating = band_for(strength + rng.randint(-12, 12), Bands())
        rows.append(
            {
                "inspection_id": inspection_id,
                "code": code,
                "name": name,
                "domain": domain,
                "rating": rating,
                "position": position,
            }
        )
        percentages.append(kqs)
    return rows, percentages


class _Loader:
    """Builds one region's worth of rows at a time, so memory stays small and each insert is a batch."""

    def __init__(self, today: date, holders: dict, hmpps_id: int, updates_per_action: int, rng: random.Random):
        self.today, self.holders, self.hmpps_id = today, holders, hmpps_id
        self.updates_per_action, self.rng = updates_per_action, rng
        self.counts = {"inspections": 0, "recommendations": 0, "actions": 0, "updates": 0, "audit_rounds": 0}

    def inspections(self, pdus: list[Organisation], per_pdu: int) -> None:
        specs = []
        for pdu in pdus:
            for n in range(per_pdu):
                years_ago = per_pdu - 1 - n
                fieldwork = self.today - timedelta(days=330 + 900 * years_ago + self.rng.randint(0, 120))
                specs.append((pdu, fieldwork, n == per_pdu - 1))
        rows = [
            {
                "pdu_id": pdu.id,
                "title": f"An inspection of probation services in {pdu.name} PDU ({fieldwork.year})",
                "fieldwork_on": fieldwork,
                "published_on": fieldwork + timedelta(days=70),
                "source_sha256": f"{MARKER}-{pdu.id}-{fieldwork.isoformat()}"[:64],
                "created_at": _at(fieldwork),
                "expected_reinspection_on": self.today + timedelta(days=self.rng.randint(20, 420)) if latest else None,
            }
            for pdu, fieldwork, latest in specs
        ]
        ids = _insert(Inspection, rows, returning=True)
        self.counts["inspections"] += len(ids)
        for inspection_id, (pdu, fieldwork, latest) in zip(ids, specs, strict=True):
            self.inspection_detail(inspection_id, pdu, fieldwork, latest)

    def inspection_detail(self, inspection_id: int, pdu: Organisation, fieldwork: date, latest: bool) -> None:
        strength = self.rng.randint(35, 80)
        standard_rows, percentages = _standard_rows(self.rng, inspection_id, strength)
        standard_ids = _insert(Standard, standard_rows, returning=True)
        kq_rows = [
            {
                "standard_id": sid,
                "text": f"Does {row['name'].lower()} {KEY_QUESTIONS[i]}",
                "percentage": pc,
                "position": i,
            }
            for sid, row, pcs in zip(standard_ids, standard_rows, percentages, strict=True)
            for i, pc in enumerate(pcs)
        ]
        kq_ids = _insert(KeyQuestion, kq_rows, returning=True)
        rated = [r for r in standard_rows if r["rating"] in RATING_SCORES]
        score = sum(RATING_SCORES[r["rating"]] for r in rated)
        # a Core UPDATE of the table, not an ORM one (a declared model's __table__ is a Table, typed as a FromClause)
        db.session.execute(
            cast(Table, Inspection.__table__)
            .update()
            .where(Inspection.id == inspection_id)
            .values(
                score=score, score_max=3 * len(rated), overall_rating=overall_rating(score, 3 * len(rated), Bands())
            )
        )
        self.plan(inspection_id, pdu, fieldwork, latest)
        if latest:
            head = self.holders.get((HEAD_OF_PDU, pdu.id))
            self.audit_rounds(inspection_id, head, standard_ids, standard_rows, kq_ids, kq_rows, strength)

    def plan(self, inspection_id: int, pdu: Organisation, fieldwork: date, latest: bool) -> None:
        rng, published = self.rng, fieldwork + timedelta(days=70)
        assert pdu.parent is not None  # every PDU is in a region
        specs = []
        for number in range(1, rng.randint(10, 15) + 1):
            kind = rng.choices(("pdu", "region", "hmpps"), weights=(65, 25, 10))[0]
            owner_org = {"pdu": pdu.id, "region": pdu.parent_id, "hmpps": self.hmpps_id}[kind]
            lead = self.holders.get(
                ({"pdu": HEAD_OF_PDU, "region": REGIONAL_DIRECTOR}.get(kind, "hmpps_lead"), owner_org)
            )
            response = rng.choices((AGREED, PARTLY_AGREED, NOT_AGREED), weights=(85, 11, 4))[0]
            specs.append(
                {
                    "inspection_id": inspection_id,
                    "number": number,
                    "addressee_kind": kind,
                    "addressee_name": {
                        "pdu": pdu.name,
                        "region": f"{pdu.parent.name} region",
                        "hmpps": "HM Prison and Probation Service",
                    }[kind],
                    "text": f"improve {THEMES[(number + inspection_id) % len(THEMES)]} so that practice "
                    f"meets the expected standard in every team",
                    "owner_org_id": owner_org,
                    "lead_id": lead,
                    "response": response,
                    "response_rationale": "",
                    "created_at": _at(published),
                    "updated_at": _at(published),
                    "version_id": 1,
                }
            )
        rec_ids = _insert(Recommendation, specs, returning=True)
        self.counts["recommendations"] += len(rec_ids)
        owner = self.holders.get((ACTION_OWNER, pdu.id))
        head = self.holders.get((HEAD_OF_PDU, pdu.id))
        actions = [
            self.action_row(rec_id, spec, rng.choice((owner, owner, head)), published, latest)
            for rec_id, spec in zip(rec_ids, specs, strict=True)
            if spec["response"] != NOT_AGREED
            for _ in range(rng.randint(4, 6))
        ]
        action_ids = _insert(Action, actions, returning=True)
        self.counts["actions"] += len(action_ids)
        self.progress(action_ids, actions)

    def action_row(self, rec_id: int, spec: dict, owner_id: int | None, published: date, latest: bool) -> dict:
        rng = self.rng
        original = published + timedelta(days=rng.randint(60, 540))
        target = original + timedelta(days=rng.choice((0, 0, 0, 30, 60)))
        due = target <= self.today
        status = (
            COMPLETE
            if (not latest or (due and rng.random() < 0.75) or rng.random() < 0.3)
            else rng.choice((NOT_STARTED, IN_PROGRESS, IN_PROGRESS, "blocked"))
        )
        completed = min(self.today, target - timedelta(days=rng.randint(-20, 40))) if status == COMPLETE else None
        return {
            "recommendation_id": rec_id,
            "description": f"{rng.choice(ACTION_VERBS)} "
            f"{THEMES[rec_id % len(THEMES)]}, with progress reported to the senior leadership team.",
            "owner_id": owner_id,
            "original_target_on": original,
            "target_on": target,
            "status": status,
            "completed_on": completed,
            "created_at": _at(published),
            "updated_at": _at(published),
            "version_id": 1,
        }

    def progress(self, action_ids: list[int], actions: list[dict]) -> None:
        updates, evidence = [], []
        for action_id, action in zip(action_ids, actions, strict=True):
            start = action["created_at"].date()
            end = action["completed_on"] or min(self.today, action["target_on"])
            span = max((end - start).days, 1)
            for n in range(self.updates_per_action):
                last = n == self.updates_per_action - 1
                updates.append(
                    {
                        "action_id": action_id,
                        "author_id": action["owner_id"],
                        "narrative": f"Update {n + 1}: work continues; next steps agreed at the team meeting.",
                        "status_to": action["status"] if last else None,
                        "created_at": _at(start + timedelta(days=span * (n + 1) // self.updates_per_action)),
                    }
                )
            if action["status"] == COMPLETE:
                evidence.append(
                    {
                        "recommendation_id": action["recommendation_id"],
                        "action_id": action_id,
                        "kind": LINK,
                        "title": "Completion note and sign-off sheet",
                        "description": "",
                        "url": f"https://intranet.example.org/evidence/{action_id}",
                        "uploaded_by_id": action["owner_id"],
                        "created_at": _at(action["completed_on"]),
                        "version_id": 1,
                    }
                )
        _insert(ProgressUpdate, updates)
        _insert(Evidence, evidence)
        self.counts["updates"] += len(updates)

    def audit_rounds(self, inspection_id, head, standard_ids, standard_rows, kq_ids, kq_rows, strength) -> None:
        rng = self.rng
        for n, days_ago in enumerate((150, 40)):
            round_id = _insert(
                AuditRound,
                [
                    {
                        "inspection_id": inspection_id,
                        "held_on": self.today - timedelta(days=days_ago),
                        "created_by_id": head,
                        "notes": "Synthetic internal audit.",
                        "version": 1,
                        "created_at": _at(self.today),
                        "updated_at": _at(self.today),
                    }
                ],
                returning=True,
            )[0]
            samples, answers = [], []
            for sid, row in zip(standard_ids, standard_rows, strict=True):
                if row["rating"] not in RATING_SCORES:
                    continue
                if row["domain"] == 1:
                    samples.append(
                        {
                            "audit_round_id": round_id,
                            "standard_id": sid,
                            "cases_sampled": None,
                            "self_assessed_rating": band_for(strength + 8 * n + rng.randint(-10, 15), Bands()),
                        }
                    )
                    continue
                sample = rng.randint(10, 30)
                samples.append(
                    {
                        "audit_round_id": round_id,
                        "standard_id": sid,
                        "cases_sampled": sample,
                        "self_assessed_rating": None,
                    }
                )
                answers += [
                    {
                        "audit_round_id": round_id,
                        "key_question_id": kid,
                        "yes_count": max(
                            0, min(sample, round(sample * (kq["percentage"] + 6 * (n + 1) + rng.randint(-8, 8)) / 100))
                        ),
                    }
                    for kid, kq in zip(kq_ids, kq_rows, strict=True)
                    if kq["standard_id"] == sid
                ]
            _insert(AuditRoundStandard, samples)
            _insert(AuditRoundAnswer, answers)
            self.counts["audit_rounds"] += 1


def already_loaded() -> bool:
    return (
        db.session.execute(
            select(func.count(Inspection.id)).where(Inspection.source_sha256.like(f"{MARKER}-%"))
        ).scalar_one()
        > 0
    )


def load_national(
    today: date,
    pdus_per_region: int | None = None,
    inspections_per_pdu: int = 3,
    updates_per_action: int = 10,
    seed: int = 2026,
) -> str:
    """Add the synthetic national data once; returns a one-line summary. Idempotent: a second run adds nothing."""
    if already_loaded():
        return "National data already loaded."
    # Without a configured demo password nobody can sign in as the synthetic users: the random one is not kept.
    password = str(current_app.config.get("DEMO_PASSWORD") or secrets.token_urlsafe(16))
    pdus_by_region = _ensure_pdus(pdus_per_region)
    holders = _ensure_users(pdus_by_region, generate_password_hash(password, method=password_hash_method()))
    hmpps = pdus_by_region.pop("_national")[0]
    # Seeded pseudo-random numbers make the synthetic data the same on every run; nothing here is secret.
    loader = _Loader(today, holders, hmpps.id, updates_per_action, random.Random(seed))  # noqa: S311  # nosec B311
    has_inspection = set(db.session.scalars(select(Inspection.pdu_id)))
    pdus = [pdu for region in pdus_by_region.values() for pdu in region if pdu.id not in has_inspection]
    loader.inspections(pdus, inspections_per_pdu)
    c = loader.counts
    summary = (
        f"National data: {len(pdus_by_region)} regions, {sum(map(len, pdus_by_region.values()))} PDUs, "
        f"{c['inspections']} inspections, {c['recommendations']} recommendations, {c['actions']} actions, "
        f"{c['updates']} progress updates, {c['audit_rounds']} audit rounds"
    )
    record_event(None, "demo", None, "load", summary)
    db.session.commit()
    refresh_statistics()
    return summary + "."


def refresh_statistics() -> None:
    """Tell the database's planner what the bulk load put in the tables: until it has looked, PostgreSQL takes
    the new tables for nearly empty (40 users estimated, 238 present) and picks plans for that."""
    db.session.execute(text("ANALYZE"))
    db.session.commit()
