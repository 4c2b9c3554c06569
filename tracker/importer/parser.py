"""Turns the text of an HM Inspectorate of Probation PDU report into a ReportExtraction for review."""

from __future__ import annotations

from tracker.importer import completeness, endings, pages
from tracker.importer.cleaning import clean_lines
from tracker.importer.errors import ReportError
from tracker.importer.extract import Source, read_source, read_source_in_time
from tracker.importer.metadata import find_fieldwork, find_identity, find_published, region_from_headings
from tracker.importer.ratings import find_overall_rating, find_ratings, find_score
from tracker.importer.recommendations import find_recommendations
from tracker.importer.schema import ReportExtraction


def read_report(data: bytes, filename: str | None = None) -> ReportExtraction:
    """Extract the text of an uploaded PDF, web page or text file and parse it as a report."""
    source = read_source(data, filename)
    return parse_report(source.text, source=source)


def read_upload(data: bytes, filename: str | None = None) -> tuple[str, ReportExtraction]:
    """An uploaded or given file's text, read within the time allowed, and what it says as a report."""
    source = read_source_in_time(data, filename)
    return source.text, parse_report(source.text, source=source)


def parse_report(text: str, from_pdf: bool = False, source: Source | None = None) -> ReportExtraction:
    """Parse a report's text; raise ReportError when it is not an inspection report at all.

    A report that is one but is incomplete (cut short, a table missing, numbers repeated) is returned with the
    reasons in `problems`, so they can all be shown; nothing with problems may be saved. What the file can show
    about words lost from a recommendation depends on its kind: `source` gives it (and a PDF's page layout);
    without one, the text is judged as plain text, or `from_pdf` as a PDF whose layout is not known."""
    kind = source.kind if source is not None else ("pdf" if from_pdf else "text")
    lines = clean_lines(text)
    if not any(lines):
        raise ReportError("The file contains no text.")
    joined = "\n".join(lines)
    warnings: list[str] = []
    problems: list[str] = []
    identity = find_identity(lines)
    ratings = find_ratings(lines, warnings)
    overall = find_overall_rating(lines, warnings)
    layout = endings.Layout(kind=kind)
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
    )
    extraction.doubts = _doubts(extraction, layout, lines, source)
    extraction.unconfirmed_endings = sorted(extraction.doubts)
    problems.extend(completeness.problems_in(extraction))
    warnings.extend(completeness.warnings_in(extraction))
    warnings.extend(missing_warnings(extraction))
    return extraction


def _doubts(
    extraction: ReportExtraction, layout: endings.Layout, lines: list[str], source: Source | None
) -> dict[int, str]:
    """Why each recommendation whose words the file cannot vouch for is in doubt, by what the file can show; the
    page problems and warnings of a PDF go on the extraction."""
    recommendations = extraction.recommendations
    found: dict[int, str] = {}
    pdf_pages = source.pages if source is not None and source.kind == "pdf" else []
    if pdf_pages:
        findings = pages.pdf_findings(pdf_pages, recommendations, layout.printed)
        extraction.problems.extend(findings.problems)
        extraction.warnings.extend(findings.warnings)
        found.update(findings.doubts)
        if not findings.is_placed:
            # where the lines are on the page is not known: judged as plain text is
            found.update(endings.text_doubts(recommendations, layout.printed, lines))
    elif layout.kind in ("text", "pdf"):
        # plain text (or a PDF's text without its layout) shows nothing but its own lines
        found.update(endings.text_doubts(recommendations, layout.printed, lines))
    numbering = pages.page_numbers(pdf_pages) if pdf_pages else None
    extraction.problems.extend(pages.missing_sections(lines, numbering))
    for number, why in endings.heading_doubts(recommendations).items():
        found.setdefault(number, why)
    return dict(sorted(found.items()))


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
