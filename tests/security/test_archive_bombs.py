"""An Office or OpenDocument archive whose entries declare small sizes but inflate to hundreds of megabytes is
refused: the check inflates every entry itself, counting and dropping what it unpacks, and stops at the limit,
whatever the archive's headers say. The archives are written here byte by byte, so that their headers can lie."""

import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from functools import cache

import pytest
from sqlalchemy import func, select

from tests.conftest import HEAD, soup_of, text_of
from tracker.evidence import services
from tracker.evidence.models import Evidence
from tracker.evidence.services import EvidenceError, check_file
from tracker.extensions import db
from tracker.recommendations.models import Recommendation

BOMB_BYTES = 400 * 1024 * 1024
#: what the bomb's headers claim it unpacks to
DECLARED = 200


def deflated(chunks) -> tuple[bytes, int, int]:
    """(raw deflate stream, CRC-32, size) of the concatenated chunks."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    out, crc, size = [], 0, 0
    for chunk in chunks:
        out.append(packer.compress(chunk))
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    out.append(packer.flush())
    return b"".join(out), crc, size


@cache
def zeros_bomb() -> tuple[bytes, int, int]:
    block = bytes(1024 * 1024)
    return deflated(block for _ in range(BOMB_BYTES // len(block)))


def lying_zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of (name, deflate stream, crc, real size, declared size) entries, each local header and directory
    entry declaring the declared size."""
    body, directory = io.BytesIO(), io.BytesIO()
    for name, stream, crc, _real, declared in entries:
        offset = body.tell()
        encoded = name.encode()
        body.write(
            struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(stream), declared, len(encoded), 0)
            + encoded
            + stream
        )
        directory.write(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(stream),
                declared,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start, listing = body.tell(), directory.getvalue()
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(listing), start, 0)
    return body.getvalue() + listing + end


def honest(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    stream, crc, size = deflated([data])
    return name, stream, crc, size, size


#: (file name, the document's own parts, the part whose headers lie)
DOCUMENTS = {
    "odt": (
        "report.odt",
        [
            honest("mimetype", b"application/vnd.oasis.opendocument.text"),
            honest("META-INF/manifest.xml", b"<manifest/>"),
        ],
        "content.xml",
    ),
    "docx": (
        "report.docx",
        [honest("word/document.xml", b"<w:document/>"), honest("_rels/.rels", b"<Rels/>")],
        "[Content_Types].xml",
    ),
    "xlsx": (
        "sheet.xlsx",
        [honest("xl/worksheets/sheet1.xml", b"<worksheet/>"), honest("_rels/.rels", b"<R/>")],
        "xl/workbook.xml",
    ),
}


def bomb_document(kind: str) -> tuple[str, bytes]:
    filename, parts, lying = DOCUMENTS[kind]
    stream, crc, size = zeros_bomb()
    return filename, lying_zip([*parts, (lying, stream, crc, size, DECLARED)])


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_an_entry_that_declares_200_bytes_but_inflates_to_400_mb_is_refused(app, kind):
    filename, upload = bomb_document(kind)
    assert len(upload) < 1024 * 1024  # small enough to upload
    with zipfile.ZipFile(io.BytesIO(upload)) as archive:  # the headers do lie
        assert sum(e.file_size for e in archive.infolist()) < 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(EvidenceError, match="unpacks to far more than a document needs"):
            check_file(filename, upload)
        taken = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert taken < 1.0, f"checking took {taken:.2f} s"
    assert peak < 4 * 1024 * 1024, f"checking the file used {peak:,} bytes"


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_a_part_that_says_it_unpacks_at_a_bombs_ratio_is_refused_with_the_reason(app, kind):
    """Honest headers this time: 2 MB of spaces packed into a few kilobytes is refused on what the archive
    declares, before anything is unpacked, and the person is told why rather than that the file is not one."""
    filename, parts, lying = DOCUMENTS[kind]
    with pytest.raises(EvidenceError, match="unpacks to far more than a document needs"):
        check_file(filename, lying_zip([*parts, honest(lying, b" " * (2 * 1024 * 1024))]))


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_the_same_document_with_an_ordinary_part_is_accepted(app, kind):
    filename, parts, lying = DOCUMENTS[kind]
    assert check_file(filename, lying_zip([*parts, honest(lying, b"<ordinary/>" * 100)])).kind == kind


def test_parts_that_inflate_past_the_budget_together_are_refused_at_any_ratio(app, monkeypatch):
    """Under the bomb ratio, but more in all than the budget: counted on what really inflates."""
    monkeypatch.setattr(services, "ZIP_MAX_UNPACKED_BYTES", 3 * 1024 * 1024)
    text = b"".join(b"%08d some ordinary words of a document\n" % n for n in range(40_000))  # 1.9 MB, about 10:1
    filename, parts, _ = DOCUMENTS["docx"]
    upload = lying_zip(
        [*parts, (*honest("word/one.xml", text)[:4], DECLARED), (*honest("word/two.xml", text)[:4], DECLARED)]
    )
    with pytest.raises(EvidenceError, match="unpacks to far more than a document needs"):
        check_file(filename, upload)
    monkeypatch.setattr(services, "ZIP_MAX_UNPACKED_BYTES", 8 * 1024 * 1024)
    assert check_file(filename, upload).kind == "docx"


def test_the_upload_page_refuses_the_bomb_and_keeps_nothing(app, as_user):
    filename, upload = bomb_document("docx")
    rec = db.session.scalar(select(Recommendation).where(Recommendation.number == 1))
    before = db.session.scalar(select(func.count(Evidence.id)))
    response = as_user(HEAD).post(
        f"/recommendations/{rec.id}/evidence/upload",
        data={"title": "Plan", "for_action": "recommendation", "file": (io.BytesIO(upload), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "unpacks to far more than a document needs" in text_of(soup_of(response).select_one(".govuk-error-summary"))
    assert db.session.scalar(select(func.count(Evidence.id))) == before
