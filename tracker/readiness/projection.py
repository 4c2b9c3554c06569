"""Projected ratings from an internal case audit: pure functions over plain values, so the rules are testable alone.

A case-supervision standard is rated on its lowest key-question percentage placed in the inspectorate's bands;
organisational-delivery standards are judged, not counted, so they carry the head of PDU's self-assessment.
An audit counts a few cases, so each audited percentage carries its sample and a 90% Wilson score interval, and
a standard audited on fewer cases than the configured minimum is not projected at all.
"""

import math
from dataclasses import dataclass, field
from typing import Any, TypedDict

from tracker.config import DEFAULT_MINIMUM_CASES, readiness_minimum_cases
from tracker.inspections.models import NOT_APPLICABLE, RATING_SCORES

OUTSTANDING = "Outstanding"
GOOD = "Good"
REQUIRES_IMPROVEMENT = "Requires improvement"
INADEQUATE = "Inadequate"

#: how each rating was arrived at, shown beside it so nobody mistakes a self-assessment for a counted result
AUDITED = "audited"
SELF_ASSESSED = "self_assessed"
CARRIED = "carried"
EXCLUDED = "not_applicable"
PUBLISHED = "published"
TOO_FEW = "too_few_cases"
BASIS_LABELS = {
    PUBLISHED: "Inspection rating",
    AUDITED: "Audited",
    SELF_ASSESSED: "Self-assessed",
    CARRIED: "Not audited: inspection rating carried forward",
    EXCLUDED: "Not applicable",
    TOO_FEW: "Too few cases",
}
#: the GOV.UK tag colour for each basis: audited and self-assessed carry the same weight, in different colours
BASIS_TAG_COLOURS = {
    AUDITED: "blue",
    SELF_ASSESSED: "purple",
    CARRIED: "grey",
    TOO_FEW: "orange",
    PUBLISHED: "grey",
    EXCLUDED: "grey",
}
#: what a standard left out of the projected score shows in place of a rating
TOO_FEW_CASES = "Too few cases to project"
#: the normal quantile for a two-sided 90% interval
Z_90 = 1.6449


@dataclass(frozen=True)
class Bands:
    """Lowest percentage for each rating, highest first; below the last threshold is Inadequate."""

    outstanding: int = 80
    good: int = 65
    requires_improvement: int = 50
    discretion_points: int = 5
    #: an audited standard with fewer cases than this is "too few cases to project" and left out of the score
    minimum_cases: int = DEFAULT_MINIMUM_CASES
    #: (minimum fraction of the maximum score, overall rating), highest first
    overall_table: tuple[tuple[float, str], ...] = (
        (0.75, OUTSTANDING),
        (0.50, GOOD),
        (0.20, REQUIRES_IMPROVEMENT),
        (0.0, INADEQUATE),
    )

    @property
    def thresholds(self) -> tuple[tuple[int, str], ...]:
        return ((self.outstanding, OUTSTANDING), (self.good, GOOD), (self.requires_improvement, REQUIRES_IMPROVEMENT))

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Bands":
        table = config.get("READINESS_OVERALL_RATING_TABLE") or []
        overall = tuple(sorted(((float(row["min_fraction"]), row["rating"]) for row in table), reverse=True))
        return cls(
            outstanding=int(config.get("READINESS_BAND_OUTSTANDING", 80)),
            good=int(config.get("READINESS_BAND_GOOD", 65)),
            requires_improvement=int(config.get("READINESS_BAND_REQUIRES_IMPROVEMENT", 50)),
            discretion_points=int(config.get("READINESS_DISCRETION_POINTS", 5)),
            minimum_cases=readiness_minimum_cases(config),
            overall_table=overall or cls.overall_table,
        )


@dataclass(frozen=True)
class Discretion:
    """The lowest score sits near a band boundary, where inspectors may use professional discretion."""

    boundary: int
    #: points between the lowest score and the boundary (0 when exactly on it)
    distance: int
    #: "below": discretion could lift it to `other_rating`; "above": a small fall would drop it to `other_rating`
    direction: str
    other_rating: str

    @property
    def message(self) -> str:
        if self.direction == "below":
            return (
                f"{self.distance} {'point' if self.distance == 1 else 'points'} below the {self.boundary}% "
                f"boundary: professional discretion may apply, and inspectors could rate it "
                f"{self.other_rating}"
            )
        where = (
            f"exactly on the {self.boundary}% boundary"
            if self.distance == 0
            else f"{self.distance} {'point' if self.distance == 1 else 'points'} above the {self.boundary}% boundary"
        )
        return f"{where}: professional discretion may apply, and a small fall would make it {self.other_rating}"


@dataclass(frozen=True)
class StandardInput:
    code: str
    name: str
    domain: int
    #: the inspection's own rating (one of RATINGS or 'Not applicable'): the baseline
    inspection_rating: str
    #: key-question percentages from the audit; None when the standard was not audited in the round
    percentages: tuple[int, ...] | None = None
    self_assessed_rating: str | None = None
    #: cases the audit sampled for this standard; None for percentages the inspectorate published itself
    cases: int | None = None
    #: cases answered 'Yes' for each key question, in the order of `percentages`
    yes_counts: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Interval:
    """A 90% Wilson score interval around the lowest key question, in whole percentages, and the ratings it spans."""

    low: int
    high: int
    low_rating: str
    high_rating: str

    @property
    def ratings(self) -> str:
        """ "Requires improvement to Good", or one rating when the whole interval sits in one band."""
        if self.low_rating == self.high_rating:
            return self.low_rating
        return f"{self.low_rating} to {self.high_rating}"


@dataclass(frozen=True)
class StandardProjection:
    code: str
    name: str
    inspection_rating: str
    rating: str
    basis: str
    lowest: int | None = None
    discretion: Discretion | None = None
    #: the audit's sample, and the 'Yes' count of the lowest key question, when the rating was counted from cases
    cases: int | None = None
    lowest_yes: int | None = None
    interval: Interval | None = None

    @property
    def basis_label(self) -> str:
        return BASIS_LABELS[self.basis]

    @property
    def basis_colour(self) -> str:
        return BASIS_TAG_COLOURS[self.basis]

    @property
    def sample(self) -> str | None:
        """ "4 of 6 cases": the lowest key question's 'Yes' count out of the cases sampled."""
        if self.cases is None or self.lowest_yes is None:
            return None
        return f"{self.lowest_yes} of {self.cases} {'case' if self.cases == 1 else 'cases'}"

    @property
    def is_rated(self) -> bool:
        return self.rating in RATING_SCORES

    @property
    def change(self) -> int:
        """Rating steps up (positive) or down (negative) from the inspection's own rating."""
        if not self.is_rated or self.inspection_rating not in RATING_SCORES:
            return 0
        return RATING_SCORES[self.rating] - RATING_SCORES[self.inspection_rating]


@dataclass(frozen=True)
class Projection:
    standards: tuple[StandardProjection, ...]
    score: int
    score_max: int
    overall_rating: str
    discretion_count: int = field(default=0)

    def _points(self, basis: str) -> int:
        return sum(RATING_SCORES[p.rating] for p in self.standards if p.basis == basis and p.is_rated)

    @property
    def self_assessed_score(self) -> int:
        """The part of the score that rests on the head of PDU's own judgement rather than on counted cases."""
        return self._points(SELF_ASSESSED)

    @property
    def self_assessed_count(self) -> int:
        return sum(1 for p in self.standards if p.basis == SELF_ASSESSED)

    @property
    def audited_score(self) -> int:
        return self._points(AUDITED)

    @property
    def audited_count(self) -> int:
        return sum(1 for p in self.standards if p.basis == AUDITED)

    @property
    def carried_score(self) -> int:
        return self._points(CARRIED)

    @property
    def too_few(self) -> tuple[StandardProjection, ...]:
        """Standards audited on too few cases, left out of the score and its maximum."""
        return tuple(p for p in self.standards if p.basis == TOO_FEW)


def percentage(yes_count: int, sample: int) -> int:
    """Whole-number percentage, rounded half up as the inspectorate's reports print them."""
    if sample <= 0:
        raise ValueError("The sample must be at least one case")
    return (200 * yes_count + sample) // (2 * sample)


def wilson_interval(yes_count: int, sample: int, z: float = Z_90) -> tuple[float, float]:
    """The Wilson score interval for a proportion, as fractions: unlike p ± z·√(p(1−p)/n) it stays within 0 to 1
    and does not collapse to nothing when every case (or none) was answered 'Yes', which small audits often are."""
    if sample <= 0:
        raise ValueError("The sample must be at least one case")
    if not 0 <= yes_count <= sample:
        raise ValueError("The 'Yes' count must be between 0 and the sample")
    p = yes_count / sample
    z2 = z * z
    denominator = 1 + z2 / sample
    centre = (p + z2 / (2 * sample)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / sample + z2 / (4 * sample * sample)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def interval_for(yes_count: int, sample: int, bands: Bands) -> Interval:
    """The interval in whole percentages (nearest, so the ratings named agree with the figures shown)."""
    low, high = wilson_interval(yes_count, sample)
    low_pc, high_pc = math.floor(100 * low + 0.5), math.floor(100 * high + 0.5)
    return Interval(low_pc, high_pc, band_for(low_pc, bands), band_for(high_pc, bands))


def band_for(lowest: int, bands: Bands) -> str:
    for threshold, rating in bands.thresholds:
        if lowest >= threshold:
            return rating
    return INADEQUATE


def _rating_above(threshold: int, bands: Bands) -> str:
    return band_for(threshold, bands)


def _rating_below(threshold: int, bands: Bands) -> str:
    return band_for(threshold - 1, bands)


def discretion_for(lowest: int, bands: Bands) -> Discretion | None:
    """The nearest boundary within the discretion range, if any; a tie goes to the boundary above."""
    best: Discretion | None = None
    for threshold, _ in bands.thresholds:
        distance = abs(lowest - threshold)
        if distance > bands.discretion_points or (best is not None and distance >= best.distance):
            continue
        if lowest < threshold:
            best = Discretion(threshold, distance, "below", _rating_above(threshold, bands))
        else:
            best = Discretion(threshold, distance, "above", _rating_below(threshold, bands))
    return best


class _Named(TypedDict):
    """What every projection of a standard copies from its input."""

    code: str
    name: str
    inspection_rating: str


class _Counted(_Named):
    """What a projection counted from cases adds."""

    lowest: int
    cases: int
    lowest_yes: int
    interval: Interval


def project_standard(standard: StandardInput, bands: Bands) -> StandardProjection:
    base: _Named = {"code": standard.code, "name": standard.name, "inspection_rating": standard.inspection_rating}
    if standard.inspection_rating == NOT_APPLICABLE:
        return StandardProjection(rating=NOT_APPLICABLE, basis=EXCLUDED, **base)
    if standard.domain == 1:
        if standard.self_assessed_rating in RATING_SCORES:
            return StandardProjection(rating=standard.self_assessed_rating, basis=SELF_ASSESSED, **base)
        return StandardProjection(rating=standard.inspection_rating, basis=CARRIED, **base)
    if not standard.percentages:
        return StandardProjection(rating=standard.inspection_rating, basis=CARRIED, **base)
    lowest = min(standard.percentages)
    if standard.cases is None or standard.yes_counts is None:
        return StandardProjection(
            rating=band_for(lowest, bands),
            basis=AUDITED,
            lowest=lowest,
            discretion=discretion_for(lowest, bands),
            **base,
        )
    return _counted(standard.cases, standard.yes_counts, lowest, bands, base)


def _counted(cases: int, yes_counts: tuple[int, ...], lowest: int, bands: Bands, base: _Named) -> StandardProjection:
    """Every key question of a standard shares one sample, so the lowest percentage has the lowest 'Yes' count and
    both the lowest lower bound and the lowest upper bound: its interval is the interval of the rating itself."""
    yes = min(yes_counts)
    counted: _Counted = {
        "lowest": lowest,
        "cases": cases,
        "lowest_yes": yes,
        "interval": interval_for(yes, cases, bands),
        **base,
    }
    if cases < bands.minimum_cases:
        return StandardProjection(rating=TOO_FEW_CASES, basis=TOO_FEW, **counted)
    return StandardProjection(
        rating=band_for(lowest, bands), basis=AUDITED, discretion=discretion_for(lowest, bands), **counted
    )


def overall_rating(score: int, score_max: int, bands: Bands) -> str:
    fraction = score / score_max if score_max else 0.0
    for minimum, rating in bands.overall_table:
        if fraction >= minimum:
            return rating
    return INADEQUATE


def project(standards: list[StandardInput], bands: Bands) -> Projection:
    """Project every standard, then the score out of 3 per rated standard and the overall rating."""
    projected = tuple(project_standard(standard, bands) for standard in standards)
    rated = [p for p in projected if p.is_rated]
    score = sum(RATING_SCORES[p.rating] for p in rated)
    score_max = 3 * len(rated)
    return Projection(
        projected,
        score,
        score_max,
        overall_rating(score, score_max, bands),
        sum(1 for p in projected if p.discretion is not None),
    )


def baseline(standards: list[StandardInput], bands: Bands) -> Projection:
    """The inspection's own ratings in the same shape, so a round can be set beside them."""
    as_published = tuple(
        StandardProjection(
            code=s.code,
            name=s.name,
            inspection_rating=s.inspection_rating,
            rating=s.inspection_rating,
            basis=EXCLUDED if s.inspection_rating == NOT_APPLICABLE else PUBLISHED,
            lowest=min(s.percentages) if s.percentages else None,
        )
        for s in standards
    )
    rated = [p for p in as_published if p.is_rated]
    score = sum(RATING_SCORES[p.rating] for p in rated)
    return Projection(as_published, score, 3 * len(rated), overall_rating(score, 3 * len(rated), bands))
