"""Turns the text of an HM Inspectorate of Probation PDU report into a ReportExtraction for review."""

from __future__ import annotations

from tracker.importer import completeness, endings
from tracker.importer.cleaning import clean_lines
from tracker.importer.errors import ReportError
from tracker.importer.extract import extract_text, extract_text_in_time, is_pdf
from tracker.importer.metadata import find_fieldwork, find_identity, find_published, region_from_headings
from tracker.importer.ratings import find_overall_rating, find_ratings, find_score
from tracker.importer.recommendations import find_recommendations
from tracker.importer.schema import ReportExtraction


def read_report(data: bytes, filename: str | None = None) -> ReportExtraction:
    """Extract the text of an uploaded PDF, web page or text file and parse it as a report."""
    return parse_report(extract_text(data, filename), from_pdf=is_pdf(data))


def read_upload(data: bytes, filename: str | None = None) -> tuple[str, ReportExtraction]:
    """An uploaded or given file's text, read within the time allowed, and what it says as a report."""
    text = extract_text_in_time(data, filename)
    return text, parse_report(text, from_pdf=is_pdf(data))


def parse_report(text: str, from_pdf: bool = False) -> ReportExtraction:
    """Parse a report's text; raise ReportError when it is not an inspection report at all.

    A report that is one but is incomplete (cut short, a table missing, numbers repeated) is returned with the
    reasons in `problems`, so they can all be shown; nothing with problems may be saved. Text `from_pdf` was laid
    out in lines a reader cannot see lost, however its recommendations happen to wrap (see endings.Layout)."""
    lines = clean_lines(text)
    if not any(lines):
        raise ReportError("The file contains no text.")
    joined = "\n".join(lines)
    warnings: list[str] = []
    problems: list[str] = []
    identity = find_identity(lines)
    ratings = find_ratings(lines, warnings)
    overall = find_overall_rating(lines, warnings)
    layout = endings.Layout(is_wrapped=from_pdf)
    recommendations = find_recommendations(lines, identity.pdu_name, problems, layout)
    _require_content(bool(ratings.standards or overall), bool(recommendations))
    score, score_max = find_score(joined)
    fieldwork = find_fieldwork(joined, lines)
    published = find_published(joined)
    region = identity.region_name or region_from_headings([r.addressee_name for r in recommendations])
    extraction = ReportExtraction(
        pdu_name=identity.pdu_name,
        region_name=region,
        title=identity.title,
        fieldwork_on=fieldwork.on,
        fieldwork_text=fieldwork.text,
        is_fieldwork_month_only=fieldwork.is_month_only,
        published_on=published.on,
        is_published_month_only=published.is_month_only,
        overall_rating=overall,
        score=score,
        score_max=score_max,
        standards=ratings.standards,
        outcomes_question=ratings.outcomes_question,
        outcomes_percentage=ratings.outcomes_percentage,
        recommendations=recommendations,
        warnings=warnings,
        problems=problems,
        unconfirmed_endings=endings.unconfirmed(recommendations, layout),
    )
    warnings.extend(endings.unconfirmed_warnings(recommendations, layout))
    problems.extend(completeness.problems_in(extraction))
    warnings.extend(completeness.warnings_in(extraction))
    warnings.extend(missing_warnings(extraction))
    return extraction


def _require_content(has_ratings: bool, has_recommendations: bool) -> None:
    """Refuse input that is not a report, or is cut short, rather than return a misleading partial result."""
    if not has_ratings and not has_recommendations:
        raise ReportError(
            "This does not look like an HM Inspectorate of Probation report: "
            "no ratings and no recommendations were found."
        )
    if not has_recommendations:
        raise ReportError(
            "No recommendations were found. The report may be incomplete (cut off before its "
            "'Recommendations' section); please upload the full report."
        )
    if not has_ratings:
        raise ReportError(
            "No ratings were found (neither an overall rating nor any rated standard). The report may be "
            "incomplete; please upload the full report."
        )


def missing_warnings(extraction: ReportExtraction) -> list[str]:
    checks = (
        (extraction.pdu_name, "No PDU name found"),
        (extraction.region_name, "No region found"),
        (extraction.title, "No report title found"),
        (extraction.fieldwork_on, "No fieldwork date found"),
        (extraction.published_on, "No publication date found"),
        (extraction.overall_rating, "No overall rating found"),
        (extraction.outcomes_percentage is not None, "No outcomes percentage found"),
    )
    return [message for value, message in checks if not value]
