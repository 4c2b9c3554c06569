"""The upload content check keeps the promises of docs/security.md (Uploads): no markup passes as text, and checking
an archive unpacks only the few bytes it needs, however large the archive says its parts are."""

import io
import random
import tracemalloc
import zipfile

import pytest
from sqlalchemy import func, select

from tests.conftest import HEAD, soup_of, text_of
from tracker.evidence.models import Evidence
from tracker.evidence.services import EvidenceError, check_file
from tracker.extensions import db
from tracker.recommendations.models import Recommendation

ODT_TYPE = b"application/vnd.oasis.opendocument.text"


@pytest.mark.parametrize(
    "data",
    [
        b"<body onload=alert(1)>",
        b"<!-- a comment --><script>alert(1)</script>",
        b"\xef\xbb\xbf<html><script>alert(1)</script></html>",
        b"\xef\xbb\xbf\xef\xbb\xbf  \n<html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"\t\r\n <iframe src=x>",
        b"\xc2\xa0<p>no-break space first</p>",
    ],
)
@pytest.mark.parametrize("name", ["notes.txt", "register.csv"])
def test_markup_is_never_accepted_as_text(app, name, data):
    with pytest.raises(EvidenceError, match="content does not match"):
        check_file(name, data)


@pytest.mark.parametrize(
    "data", [b"Minutes of the meeting\n", "Café – notes".encode(), b"a < b, and 3 > 2\n", b"\xef\xbb\xbfname,grade\n"]
)
def test_plain_text_is_still_accepted(app, data):
    assert check_file("notes.txt", data).kind == "txt"


def test_text_cut_mid_character_at_the_sampled_length_is_accepted(app):
    data = b"x" * 65535 + "é".encode() * 10
    assert check_file("notes.txt", data).kind == "txt"


def odt(mimetype: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


def sparse_bytes(size: int) -> bytes:
    """Compresses about 80:1, under the ratio that marks a decompression bomb."""
    rng = random.Random(6)
    data = bytearray(size)
    for index in range(0, size, 300):
        data[index] = rng.randrange(1, 256)
    return bytes(data)


def test_an_odt_whose_mimetype_entry_unpacks_large_is_refused_without_unpacking_it(app):
    upload = odt(ODT_TYPE + b"\n" + sparse_bytes(24 * 1024 * 1024))
    assert len(upload) < 1024 * 1024  # small enough to upload
    tracemalloc.start()
    try:
        with pytest.raises(EvidenceError):
            check_file("report.odt", upload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, f"checking the file used {peak:,} bytes"


def test_a_zip_with_a_lying_entry_size_is_refused(app):
    upload = bytearray(odt(ODT_TYPE))
    # A corrupt stream or a declared size the data does not match is refused rather than a server error.
    upload[40:60] = b"\xff" * 20
    with pytest.raises(EvidenceError):
        check_file("report.odt", bytes(upload))


def test_a_genuine_odt_is_accepted(app):
    assert check_file("report.odt", odt(ODT_TYPE)).kind == "odt"


def test_the_upload_page_refuses_markup_disguised_as_text(app, as_user):
    client = as_user(HEAD)
    rec = db.session.scalar(select(Recommendation).where(Recommendation.number == 1))
    before = db.session.scalar(select(func.count(Evidence.id)))
    response = client.post(
        f"/recommendations/{rec.id}/evidence/upload",
        data={
            "title": "Notes",
            "for_action": "recommendation",
            "file": (io.BytesIO(b"\xef\xbb\xbf<html><script>alert(1)</script>"), "notes.txt"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "content does not match" in text_of(soup_of(response).select_one(".govuk-error-summary"))
    assert db.session.scalar(select(func.count(Evidence.id))) == before
