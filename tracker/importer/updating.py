"""Refreshing an inspection already imported from a report, in place, when the same report is imported again."""

from tracker.audit.services import changed, record_event, snapshot
from tracker.extensions import db
from tracker.importer.diffing import is_shorter_prefix
from tracker.importer.errors import ImportProblem
from tracker.importer.owners import owner_for
from tracker.inspections.models import Inspection, KeyQuestion, Standard
from tracker.recommendations.models import Recommendation

INSPECTION_FIELDS = (
    "title",
    "fieldwork_on",
    "is_fieldwork_month_only",
    "published_on",
    "is_published_month_only",
    "overall_rating",
    "score",
    "score_max",
    "outcomes_question",
    "outcomes_percentage",
)
_DATE_OF = {"is_fieldwork_month_only": "fieldwork_on", "is_published_month_only": "published_on"}
STANDARD_FIELDS = ("name", "domain", "rating")
RECOMMENDATION_FIELDS = ("text", "addressee_kind", "addressee_name")


class ShorterText(ImportProblem):
    """A re-read recommendation is the saved one cut short, which is how a truncated report looks."""

    def __init__(self, numbers: list[int]) -> None:
        listed = ", ".join(map(str, numbers))
        super().__init__(
            f"The report's text of recommendation{'s' if len(numbers) > 1 else ''} {listed} is only the beginning "
            "of the saved text, so the report may be cut short. Nothing was changed. If the report really "
            "shortened it, import again with --accept-shorter."
        )
        self.numbers = numbers


def update_inspection(inspection: Inspection, extraction, actor, *, accept_shorter: bool = False) -> list[str]:
    """Change the published figures and recommendation wording to the report's, leaving the plan alone.

    Actions, evidence, leads and responses belong to the service, not the report, so they are never touched;
    standards and recommendations that are no longer in the report are kept, since work may hang off them.
    A text that is only the beginning of the saved one is refused unless `accept_shorter`."""
    if not accept_shorter:
        refuse_shorter_texts(inspection, extraction)
    changes = _update_fields(inspection, extraction, actor)
    changes += _update_standards(inspection, extraction.standards, actor)
    changes += _update_recommendations(inspection, extraction.recommendations, actor)
    return changes


def refuse_shorter_texts(inspection: Inspection, extraction) -> None:
    saved = {recommendation.number: recommendation.text for recommendation in inspection.recommendations}
    shorter = [
        data.number
        for data in extraction.recommendations
        if data.number in saved and is_shorter_prefix(saved[data.number], data.text)
    ]
    if shorter:
        raise ShorterText(shorter)


def _update_fields(inspection: Inspection, extraction, actor) -> list[str]:
    before = snapshot(inspection, INSPECTION_FIELDS)
    for name in INSPECTION_FIELDS:
        # A figure the new reading did not find is left as it was rather than blanked, with its precision.
        dated = name not in _DATE_OF or getattr(extraction, _DATE_OF[name]) is not None
        if (value := getattr(extraction, name)) is not None and dated:
            setattr(inspection, name, value)
    old, new = changed(before, snapshot(inspection, INSPECTION_FIELDS))
    if not new:
        return []
    summary = f"Updated {', '.join(name.replace('_', ' ') for name in new)} from the re-imported report"
    record_event(
        actor, "inspection", inspection.id, "update", summary, before=old, after=new, inspection_id=inspection.id
    )
    return [summary]


def _update_standards(inspection: Inspection, standards, actor) -> list[str]:
    by_code = {standard.code: standard for standard in inspection.standards}
    changes = []
    for position, data in enumerate(standards):
        standard = by_code.get(data.code)
        if standard is None:
            changes.append(_add_standard(inspection, data, position, actor))
            continue
        before = _standard_snapshot(standard)
        for name in STANDARD_FIELDS:
            setattr(standard, name, getattr(data, name))
        _update_key_questions(standard, data.key_questions)
        old, new = changed(before, _standard_snapshot(standard))
        if new:
            summary = f"Updated standard {data.code} {data.name} from the re-imported report"
            record_event(
                actor, "standard", standard.id, "update", summary, before=old, after=new, inspection_id=inspection.id
            )
            changes.append(summary)
    wanted = {data.code for data in standards}
    changes += [
        f"Standard {s.code} {s.name} is not in this report; it was kept as it was"
        for s in inspection.standards
        if s.code not in wanted
    ]
    return changes


def _add_standard(inspection: Inspection, data, position: int, actor) -> str:
    standard = Standard(code=data.code, name=data.name, domain=data.domain, rating=data.rating, position=position)
    _update_key_questions(standard, data.key_questions)
    inspection.standards.append(standard)
    db.session.flush()
    summary = f"Standard {data.code} {data.name} added from the re-imported report, rated {data.rating}"
    record_event(
        actor,
        "standard",
        standard.id,
        "create",
        summary,
        after=_standard_snapshot(standard),
        inspection_id=inspection.id,
    )
    return summary


def _update_key_questions(standard: Standard, questions) -> None:
    """Key questions are matched by position: the report prints them in a fixed order under each standard."""
    for position, data in enumerate(questions):
        if position < len(standard.key_questions):
            standard.key_questions[position].text = data.text
            standard.key_questions[position].percentage = data.percentage
        else:
            standard.key_questions.append(KeyQuestion(text=data.text, percentage=data.percentage, position=position))


def _standard_snapshot(standard: Standard) -> dict:
    data = snapshot(standard, STANDARD_FIELDS)
    data["key_questions"] = [[q.text, q.percentage] for q in standard.key_questions]
    return data


def _update_recommendations(inspection: Inspection, recommendations, actor) -> list[str]:
    by_number = {recommendation.number: recommendation for recommendation in inspection.recommendations}
    changes = []
    for data in recommendations:
        recommendation = by_number.get(data.number)
        if recommendation is None:
            changes.append(_add_recommendation(inspection, data, actor))
            continue
        before = snapshot(recommendation, RECOMMENDATION_FIELDS)
        for name in RECOMMENDATION_FIELDS:
            setattr(recommendation, name, getattr(data, name))
        old, new = changed(before, snapshot(recommendation, RECOMMENDATION_FIELDS))
        if not new:
            continue
        if "addressee_kind" in new:
            # A recommendation now addressed to another level is owned at that level.
            recommendation.owner_org = owner_for(data.owner_kind or data.addressee_kind, inspection.pdu)
            new["owner"] = recommendation.owner_org.display_name
        summary = (
            f"Recommendation {data.number}: updated {', '.join(k.replace('_', ' ') for k in new)} "
            "from the re-imported report"
        )
        record_event(
            actor,
            "recommendation",
            recommendation.id,
            "update",
            summary,
            before=old,
            after=new,
            recommendation_id=recommendation.id,
            inspection_id=inspection.id,
        )
        changes.append(summary)
    wanted = {data.number for data in recommendations}
    changes += [
        f"Recommendation {r.number} is not in this report; it was kept with its actions"
        for r in inspection.recommendations
        if r.number not in wanted
    ]
    return changes


def _add_recommendation(inspection: Inspection, data, actor) -> str:
    recommendation = Recommendation(
        number=data.number,
        text=data.text,
        addressee_kind=data.addressee_kind,
        addressee_name=data.addressee_name,
        owner_org=owner_for(data.owner_kind or data.addressee_kind, inspection.pdu),
    )
    inspection.recommendations.append(recommendation)
    db.session.flush()
    summary = f"Recommendation {data.number} added from the re-imported report, addressed to {data.addressee_name}"
    record_event(
        actor,
        "recommendation",
        recommendation.id,
        "create",
        summary,
        after={"text": data.text},
        recommendation_id=recommendation.id,
        inspection_id=inspection.id,
    )
    return summary
