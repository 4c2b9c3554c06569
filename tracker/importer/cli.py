"""`flask tracker import-report`: read an inspection report and save it, or show what would be saved."""

import json
import sys
from pathlib import Path

import click
from flask import current_app, url_for

from tracker.importer import diffing, services
from tracker.importer.endings import listed_numbers
from tracker.importer.errors import ReportError
from tracker.importer.parser import read_upload
from tracker.templating import pluralise

NOTHING_SAVED = "Nothing was saved."


def inspection_url(inspection) -> str:
    base = current_app.config.get("APP_BASE_URL") or "http://localhost"
    with current_app.test_request_context(base_url=base):
        return url_for("inspections.show_inspection", inspection_id=inspection.id, _external=True)


def can_ask() -> bool:
    """Whether someone is at a terminal to answer; in CI there is nobody, so the command refuses instead."""
    return sys.stdin is not None and sys.stdin.isatty()


def read(file: Path):
    try:
        return read_upload(file.read_bytes(), file.name)
    except ReportError as error:
        raise click.ClickException(f"{error.message} {NOTHING_SAVED}") from error


def describe(extraction, echo) -> None:
    score = f"{extraction.score}/{extraction.score_max}" if extraction.score is not None else "not found"
    echo(f"PDU: {extraction.pdu_name or 'not found'} ({extraction.region_name or 'region not found'})")
    echo(f"Fieldwork: {extraction.fieldwork_on or 'not found'}; published: {extraction.published_on or 'not found'}")
    echo(f"Overall rating: {extraction.overall_rating or 'not found'}; score: {score}")
    for standard in extraction.standards:
        figures = ", ".join(f"{q.percentage}%" for q in standard.key_questions)
        echo(f"  {standard.code} {standard.name}: {standard.rating}" + (f" ({figures})" if figures else ""))
    for recommendation in extraction.recommendations:
        echo(
            f"  {recommendation.number}. [{recommendation.addressee_name or recommendation.addressee_kind}] "
            f"{recommendation.text}"
        )


def refuse_incomplete(extraction, echo) -> None:
    """List every reason an incomplete report cannot be saved, then exit with status 1."""
    if not extraction.problems:
        return
    for problem in extraction.problems:
        echo(f"Problem: {problem}")
    count = len(extraction.problems)
    raise click.ClickException(
        f"This report is incomplete or inconsistent ({count} problem{'' if count == 1 else 's'} listed above), so "
        f"it cannot be saved. Upload the complete report. {NOTHING_SAVED}"
    )


def refuse_unchecked_endings(extraction, accept_endings: bool) -> None:
    """Exit with status 1 while a recommendation may have lost words and nobody has said it was checked."""
    if not extraction.unconfirmed_endings or accept_endings:
        return
    numbers = extraction.unconfirmed_endings
    many = len(numbers) > 1
    raise click.ClickException(
        f"Recommendation{'s' if many else ''} {listed_numbers(numbers)} may have lost words (see the warnings "
        f"above). Check {'each' if many else 'it'} against the report; if the report reads the same, run again "
        f"with --accept-endings. {NOTHING_SAVED}"
    )


def confirm_new_pdu(target: services.PduTarget, yes: bool) -> None:
    if yes:
        return
    region = target.region
    assert region is not None  # a target without an existing PDU names the region for the new one
    if not can_ask():
        raise click.ClickException(
            f"The PDU '{target.new_name}' is not in the tracker. Run again with --yes to create it in the "
            f"{region.name} region (or --region NAME for another region, or --pdu NAME for an existing PDU). "
            f"{NOTHING_SAVED}"
        )
    click.confirm(
        f"The PDU '{target.new_name}' is not in the tracker. Create it in the {region.name} region?", abort=True
    )


def show_planned_changes(existing, extraction, echo) -> None:
    """Print every change an update would make, before it is made, so nothing changes unseen."""
    lines = diffing.planned_changes(existing, extraction)
    echo(f"Changes to '{existing.title}' (inspection {existing.id}):" if lines else "No changes to make.")
    for line in lines:
        echo(f"  {line}")


def save(text: str, extraction, options: dict, echo):
    pdu_name, region_name, update = options["pdu_name"], options["region_name"], options["update"]
    sha = services.fingerprint(text)
    try:
        target = services.find_target(pdu_name or extraction.pdu_name, region_name or extraction.region_name)
        existing = services.same_report(sha, target.pdu, extraction)
        if existing is not None and not update:
            raise click.ClickException(
                f"This report has already been imported as '{existing.title}' (inspection {existing.id}, "
                f"{inspection_url(existing)}). Run again with --update to refresh its figures and recommendation "
                f"texts. {NOTHING_SAVED}"
            )
        # after the duplicate check: a report imported already is refused as that, whatever else it lacks
        refuse_unchecked_endings(extraction, options["accept_endings"])
        if existing is None and target.is_new:
            confirm_new_pdu(target, options["yes"])
        if existing is not None:
            show_planned_changes(existing, extraction, echo)
        return services.import_report(
            extraction,
            sha,
            target,
            update=update,
            accept_shorter=options["accept_shorter"],
            accept_endings=options["accept_endings"],
        )
    except services.ImportProblem as error:
        raise click.ClickException(f"{error.message} {NOTHING_SAVED}") from error


def report_result(result: services.ImportResult, echo) -> None:
    inspection = result.inspection
    if result.new_pdu is not None:
        region = result.new_pdu.parent
        assert region is not None  # a new PDU is created in a region
        echo(f"Created {result.new_pdu.display_name} in the {region.name} region.")
    if result.created:
        echo(
            f"Imported '{inspection.title}' for {inspection.pdu.display_name}: "
            f"{pluralise(len(inspection.recommendations), 'recommendation')}, "
            f"{pluralise(len(inspection.standards), 'standard')}."
        )
    else:
        echo(f"Updated '{inspection.title}': {services.count_changes(result)}.")
        for change in result.changes:
            echo(f"  {change}")
    echo(f"Inspection {inspection.id}: {inspection_url(inspection)}")


def register(group: click.Group) -> None:
    @group.command("import-report")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--pdu", "pdu_name", help="The PDU the report is for, when not the name printed in it.")
    @click.option("--region", "region_name", help="The region to create an unknown PDU in, when not the one printed.")
    @click.option("--dry-run", is_flag=True, help="Read and show the report; save nothing.")
    @click.option("--json", "as_json", is_flag=True, help="Print the extraction as JSON.")
    @click.option("--update", is_flag=True, help="Refresh an inspection already imported from this report.")
    @click.option("--yes", is_flag=True, help="Create an unknown PDU without asking.")
    @click.option(
        "--accept-shorter",
        is_flag=True,
        help="With --update, accept a recommendation text that is only the beginning of the saved one.",
    )
    @click.option(
        "--accept-endings",
        is_flag=True,
        help="Save recommendations the file cannot vouch for (each named in a warning, with why), once checked "
        "against the report.",
    )
    def import_report(file: Path, dry_run: bool, as_json: bool, **options) -> None:
        """Import an inspection report FILE (text, saved web page or PDF) as an inspection."""
        text, extraction = read(file)
        # With --json, standard output carries only the JSON, so it can be piped; messages go to standard error.
        echo = (lambda message: click.echo(message, err=True)) if as_json else click.echo
        if as_json:
            click.echo(json.dumps(extraction.to_dict(), indent=2, ensure_ascii=False))
        else:
            describe(extraction, echo)
        for warning in [*extraction.doubts.values(), *extraction.warnings]:
            echo(f"Warning: {warning}")
        refuse_incomplete(extraction, echo)
        if dry_run:
            refuse_unchecked_endings(extraction, options["accept_endings"])
            echo(f"Dry run. {NOTHING_SAVED}")
            return
        report_result(save(text, extraction, options, echo), echo)
