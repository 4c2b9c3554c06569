"""Plain data classes describing what was read from an inspection report, before anything is saved."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass
class KeyQuestionData:
    text: str
    percentage: int


@dataclass
class StandardData:
    code: str
    name: str
    domain: int
    rating: str
    key_questions: list[KeyQuestionData] = field(default_factory=list)


@dataclass
class RecommendationData:
    number: int
    text: str
    addressee_kind: str
    addressee_name: str
    #: who tracks it ("pdu", "region" or "hmpps") when a reviewer chose; else the addressee's own organisation,
    #: and for another body (the police, a council) a reviewer must choose
    owner_kind: str | None = None


@dataclass
class ReportExtraction:
    pdu_name: str | None = None
    region_name: str | None = None
    title: str | None = None
    fieldwork_on: date | None = None
    fieldwork_text: str | None = None
    published_on: date | None = None
    #: the report gives only the month and year of fieldwork (the date is the 1st of that month)
    is_fieldwork_month_only: bool = False
    #: the report gives only the month and year of publication (the date is the 1st of that month)
    is_published_month_only: bool = False
    overall_rating: str | None = None
    score: int | None = None
    score_max: int | None = None
    standards: list[StandardData] = field(default_factory=list)
    outcomes_question: str | None = None
    outcomes_percentage: int | None = None
    recommendations: list[RecommendationData] = field(default_factory=list)
    #: findings an administrator must accept before saving ("should")
    warnings: list[str] = field(default_factory=list)
    #: reasons the report cannot be saved as it stands ("must"): it is incomplete or inconsistent
    problems: list[str] = field(default_factory=list)
    #: recommendations whose words the file cannot vouch for: nothing is saved until an administrator accepts
    #: that each was checked against the report
    unconfirmed_endings: list[int] = field(default_factory=list)
    #: why each of those is in doubt, by number (shown beside the recommendation it concerns)
    doubts: dict[int, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-serialisable data, with dates as ISO strings, for previews and tests."""
        data = asdict(self)
        for key in ("fieldwork_on", "published_on"):
            value = data[key]
            data[key] = value.isoformat() if value else None
        data["doubts"] = {str(number): why for number, why in sorted(self.doubts.items())}
        # Only a reviewer chooses an owner, so what the reader found carries none.
        for recommendation in data["recommendations"]:
            if recommendation["owner_kind"] is None:
                del recommendation["owner_kind"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportExtraction:
        """Rebuild an extraction from `to_dict()` output, as stored with an upload awaiting review."""
        values = dict(data)
        for key in ("fieldwork_on", "published_on"):
            values[key] = date.fromisoformat(values[key]) if values.get(key) else None
        values["standards"] = [
            StandardData(**{**s, "key_questions": [KeyQuestionData(**q) for q in s.get("key_questions", [])]})
            for s in values.get("standards", [])
        ]
        values["recommendations"] = [RecommendationData(**r) for r in values.get("recommendations", [])]
        values["doubts"] = {int(number): why for number, why in values.get("doubts", {}).items()}
        return cls(**values)
