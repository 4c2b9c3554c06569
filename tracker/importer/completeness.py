"""Whether a report as read is complete: what must hold before it can be saved, and what should hold.

A report cut short or damaged still parses into something plausible, so completeness is checked against the
report's own structure (numbering, the ratings table, the key-question tables, the score) rather than hoped for.
"""

from __future__ import annotations

import re

from flask import current_app, has_app_context

from tracker.importer import endings
from tracker.importer.cleaning import RATING_POINTS
from tracker.importer.schema import ReportExtraction, StandardData
from tracker.readiness.projection import Bands, band_for, discretion_for

# A sentence ends with a full stop, question or exclamation mark, perhaps inside a closing quote or bracket.
_SENTENCE_END_RE = re.compile(r"[.!?][\"'’”)\]]*$")
# A recommendation in the inspectorate's lists is one sentence, begun by its heading ("The PDU should:"); a text with
# a second sentence has run on into the prose after it, which is how a lost line shows.
_RUN_ON_RE = re.compile(r"[.!?][\"'’”)\]]*\s+(?=[A-Z])")


def bands() -> Bands:
    """The inspectorate's rating bands as configured, or the published defaults outside the app."""
    return Bands.from_config(current_app.config) if has_app_context() else Bands()


def problems_in(extraction: ReportExtraction, rating_bands: Bands | None = None) -> list[str]:
    """Every reason the report cannot be saved as it stands ("must" findings)."""
    rating_bands = rating_bands or bands()
    problems = _numbering_problems(extraction) + _ratings_table_problems(extraction)
    for standard in extraction.standards:
        problems += _key_question_problems(standard, rating_bands)
    return problems


def warnings_in(extraction: ReportExtraction, rating_bands: Bands | None = None) -> list[str]:
    """Findings an administrator must accept before saving ("should" findings), beyond what the parser noted."""
    rating_bands = rating_bands or bands()
    return [message for standard in extraction.standards if (message := _discretion_warning(standard, rating_bands))]


def recommendation_problems(extraction: ReportExtraction) -> dict[int, list[str]]:
    """The "must" findings about one recommendation's own words or heading, by number: no text, a text run on
    past its sentence or ending where no sentence can end, no heading saying who should act. An administrator can
    correct each on the review page (the recommendation's text and addressee), unlike a page, a heading or a
    recommendation missing from the file. The last recommendation's unfinished end is not among them: it is how
    a file cut short shows, and what was cut after it cannot be seen."""
    found: dict[int, list[str]] = {}
    last = max(extraction.recommendations, key=lambda r: r.number, default=None)
    for recommendation in extraction.recommendations:
        number = recommendation.number
        problems = found.setdefault(number, [])
        if not recommendation.text.strip():
            problems.append(f"Recommendation {number} has no text")
        elif run_on := _RUN_ON_RE.search(recommendation.text):
            problems.append(
                f"Recommendation {number} runs on past the end of its sentence "
                f"('…{recommendation.text[max(run_on.start() - 30, 0) : run_on.end() + 30]}…'), so a line of "
                "the report may be lost after it"
            )
        if recommendation is not last:
            problems += endings.unfinished_problems([recommendation])
        if not recommendation.addressee_name.strip():
            problems.append(f"Recommendation {number} is not under a heading saying who should act")
    return {number: problems for number, problems in found.items() if problems}


def _numbering_problems(extraction: ReportExtraction) -> list[str]:
    numbers = sorted({r.number for r in extraction.recommendations})
    problems = []
    missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
    if missing:
        problems.append(f"Recommendation numbers are not consecutive from 1: missing {_listed(missing)}")
    for found in recommendation_problems(extraction).values():
        problems += found
    last = max(extraction.recommendations, key=lambda r: r.number, default=None)
    if last is not None and last.text.strip() and not _SENTENCE_END_RE.search(last.text.strip()):
        problems.append(
            f"The last recommendation ({last.number}) does not end as a sentence, so the report may be "
            f"cut off: it ends '…{last.text.strip()[-40:]}'"
        )
    return problems


def _ratings_table_problems(extraction: ReportExtraction) -> list[str]:
    problems = []
    domains = {standard.domain for standard in extraction.standards}
    for domain, name in ((1, "organisational delivery"), (2, "court work and case supervision")):
        if domain not in domains:
            problems.append(
                f"No rated standards were found for domain {domain} ({name}): the ratings table may be missing"
            )
    if extraction.score is None:
        problems.append("No score was found: the ratings table may be missing")
    else:
        problems += _score_problems(extraction)
    return problems


def _score_problems(extraction: ReportExtraction) -> list[str]:
    rated = [s.rating for s in extraction.standards if s.rating in RATING_POINTS]
    expected = sum(RATING_POINTS[rating] for rating in rated)
    if (extraction.score, extraction.score_max) == (expected, 3 * len(rated)):
        return []
    return [
        f"The score {extraction.score}/{extraction.score_max} does not match the standards' ratings, which add "
        f"up to {expected}/{3 * len(rated)}: a rating or the score was misread"
    ]


def _key_question_problems(standard: StandardData, rating_bands: Bands) -> list[str]:
    label = f"standard {standard.code} {standard.name}"
    if standard.domain != 2 or standard.rating not in RATING_POINTS:
        return []
    if not standard.key_questions:
        return [f"No key-question table was found for {label}"]
    lowest = min(q.percentage for q in standard.key_questions)
    banded = band_for(lowest, rating_bands)
    if banded == standard.rating or _within_discretion(standard, rating_bands):
        return []
    return [
        f"The rating of {label} ({standard.rating}) does not agree with its lowest key-question score, "
        f"{lowest}%, which is in the {banded} band"
    ]


def _within_discretion(standard: StandardData, rating_bands: Bands) -> bool:
    lowest = min(q.percentage for q in standard.key_questions)
    discretion = discretion_for(lowest, rating_bands)
    return discretion is not None and discretion.other_rating == standard.rating


def _discretion_warning(standard: StandardData, rating_bands: Bands) -> str | None:
    if standard.domain != 2 or standard.rating not in RATING_POINTS or not standard.key_questions:
        return None
    lowest = min(q.percentage for q in standard.key_questions)
    banded = band_for(lowest, rating_bands)
    if banded == standard.rating or not _within_discretion(standard, rating_bands):
        return None
    return (
        f"Standard {standard.code} {standard.name} is rated {standard.rating} although its lowest key-question "
        f"score, {lowest}%, is in the {banded} band: inspectors may use discretion this close to a boundary, "
        "so check the rating against the report"
    )


def _listed(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers))
