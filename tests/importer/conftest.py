"""Fixtures for the importer's command and pages: report files on disk, and counts of what the database holds."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.importer import make_pdf
from tracker.extensions import db

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_NAMES = sorted(path.name.removesuffix(".expected.json") for path in FIXTURES.glob("*.expected.json"))
BARKING_TEXT = (FIXTURES / "barking-dagenham-havering-2022.txt").read_text(encoding="utf-8")


def report_bytes(name: str) -> tuple[bytes, str]:
    """The fixture as uploaded: the `.pdf.txt` fixtures are laid out as a real PDF first."""
    if (FIXTURES / f"{name}.pdf.txt").exists():
        return make_pdf.text_pdf((FIXTURES / f"{name}.pdf.txt").read_text(encoding="utf-8")), f"{name}.pdf"
    for suffix in (".txt", ".html"):
        if (FIXTURES / f"{name}{suffix}").exists():
            return (FIXTURES / f"{name}{suffix}").read_bytes(), f"{name}{suffix}"
    raise FileNotFoundError(name)


@pytest.fixture
def report_file(tmp_path):
    """Write a fixture (or given bytes) to a file and return its path, as the command is given one."""

    def write(name: str, data: bytes | None = None) -> Path:
        if data is None:
            data, filename = report_bytes(name)
        else:
            filename = name
        path = tmp_path / filename
        path.write_bytes(data)
        return path

    return write


def row_counts() -> dict[str, int]:
    """How many rows each table an import writes to holds, to show that a refused import saved nothing."""
    from tracker.audit.models import AuditEvent
    from tracker.importer.models import ReportImportDraft
    from tracker.inspections.models import Inspection, KeyQuestion, Standard
    from tracker.organisations.models import Organisation
    from tracker.recommendations.models import Recommendation

    models = (Inspection, Standard, KeyQuestion, Recommendation, Organisation, AuditEvent, ReportImportDraft)
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) for model in models}
