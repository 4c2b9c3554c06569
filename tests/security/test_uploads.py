"""Uploads are judged by their content, not their name: disguised, polyglot, scripted and bomb-like files are
refused, and whatever is accepted is only ever sent back as a download, never rendered by the browser."""

import io
import zipfile

import pytest
from sqlalchemy import func, select

from tests.conftest import HEAD, OWNER
from tracker.actions.models import Action
from tracker.auth.services import find_user
from tracker.demo.services import minimal_pdf
from tracker.evidence.models import Evidence
from tracker.evidence.services import EvidenceError, check_file
from tracker.extensions import db

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def minimal_docx() -> bytes:
    return zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("picture.svg", SVG),
        ("picture.png", SVG),
        ("notes.txt", b"  <!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("notes.txt", b"<svg onload=alert(1)>"),
        ("report.pdf", b"<html><body>not a pdf</body></html>"),
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("minutes.docx", zipped({"index.html": b"<script>alert(1)</script>"})),
        ("minutes.docx", zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * 60_000_000})),
        ("minutes.xlsx", minimal_docx()),
        ("archive.zip", minimal_docx()),
        ("script.pdf.exe", minimal_pdf("Minutes")),
        ("empty.pdf", b""),
    ],
)
def test_refused_by_content(app, name, data):
    with pytest.raises(EvidenceError):
        check_file(name, data)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("minutes.pdf", minimal_pdf("Minutes")),
        ("minutes.docx", minimal_docx()),
        ("register.csv", b"name,grade\nA Person,PO\n"),
        ("dot.png", PNG_HEADER + b"\x00" * 32),
    ],
)
def test_real_files_are_accepted(app, name, data):
    assert check_file(name, data).kind == name.rsplit(".", 1)[1]


def test_a_polyglot_is_only_ever_downloaded(app, as_user):
    """A PDF with HTML inside passes the content check, so what matters is how it is served back."""
    client = as_user(OWNER)
    owner = find_user(OWNER)
    action_id = db.session.scalar(select(Action.id).where(Action.owner_id == owner.id).order_by(Action.id))
    polyglot = minimal_pdf("Minutes") + b"<html><script>alert(document.cookie)</script></html>"
    response = client.post(
        f"/actions/{action_id}/evidence/upload",
        data={"title": "Polyglot", "file": (io.BytesIO(polyglot), "poly.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    evidence_id = db.session.scalar(select(func.max(Evidence.id)))
    with as_user(HEAD).get(f"/evidence/{evidence_id}/download") as download:
        pass
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert (
        "sandbox" in download.headers["Content-Security-Policy"]
        or "default-src 'self'" in download.headers["Content-Security-Policy"]
    )
