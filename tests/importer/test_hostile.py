"""Hostile reports do not tie up the importer (finding 9): limits on pages, text and nesting, odd list numbers,
and a time limit on reading, each refused clearly and quickly, saving nothing."""

import io
import re
import time

import pytest
from pypdf import PdfWriter

from tests.conftest import ADMIN
from tests.importer import make_pdf
from tests.importer.conftest import BARKING_TEXT, row_counts
from tests.importer.test_views import error_summary, upload
from tracker.importer import extract
from tracker.importer.errors import ReportError


@pytest.fixture
def admin(as_user):
    return as_user(ADMIN)


def many_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def nested(depth: int) -> bytes:
    return b"<html><body>" + b"<div>" * depth + b"x" + b"</div>" * depth + b"</body></html>"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (many_pages(extract.MAX_PDF_PAGES + 1), "long.pdf", f"'long.pdf' has {extract.MAX_PDF_PAGES + 1} pages"),
        (nested(10_000), "deep.html", "'deep.html' is a web page nested far more deeply than a report"),
        (
            b"Recommendations\n" + b"x" * (extract.MAX_TEXT_CHARACTERS + 1),
            "huge.txt",
            "'huge.txt' holds far more text than an inspection report",
        ),
    ],
)
def test_an_oversized_report_is_refused_quickly_and_saves_nothing(admin, data, filename, message):
    before = row_counts()
    started = time.monotonic()
    response = upload(admin, filename, data, filename)
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    errors = error_summary(response)
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert row_counts() == before


def test_a_deep_page_within_the_limit_is_still_read():
    assert extract.extract_text(nested(extract.MAX_HTML_DEPTH - 5), "ok.html").strip() == "x"


@pytest.mark.parametrize("start", ["²", "9" * 5000, "-3", " 4 "])
def test_odd_list_numbers_are_read_not_a_server_error(start):
    page = f'<html><body><ol start="{start}"><li>Improve the quality of work</li></ol></body></html>'.encode()
    text = extract.extract_text(page, "odd.html")
    assert "Improve the quality of work" in text
    assert text.startswith("4. " if start.strip() == "4" else "1. ")


def test_reading_is_stopped_after_the_time_limit(monkeypatch):
    def slow(data, filename=None):
        time.sleep(30)
        return extract.Source("never")

    monkeypatch.setattr(extract, "read_source", slow)  # the reading child is forked with this in place
    started = time.monotonic()
    with pytest.raises(ReportError, match=r"'slow.pdf' took more than 0.5 seconds to read"):
        extract.extract_text_in_time(b"%PDF-1.4", "slow.pdf", seconds=0.5)
    assert time.monotonic() - started < 5


def test_the_time_limited_reader_gives_the_same_text_and_refusals():
    assert extract.extract_text_in_time(BARKING_TEXT.encode(), "barking.txt") == extract.extract_text(
        BARKING_TEXT.encode(), "barking.txt"
    )
    with pytest.raises(ReportError, match="'empty.txt' is empty"):
        extract.extract_text_in_time(b"", "empty.txt")
    pdf = make_pdf.text_pdf(BARKING_TEXT)
    # a PDF's page layout comes back from the reading child whole
    assert extract.read_source_in_time(pdf, "barking.pdf") == extract.read_source(pdf, "barking.pdf")
    assert extract.read_source(pdf, "barking.pdf").pages[0].lines[0].y > 700


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.99])
def test_a_truncated_pdf_is_refused_without_the_pdf_library_writing_to_stderr(capfd, caplog, cut):
    from tests.importer import make_pdf

    data = make_pdf.text_pdf(BARKING_TEXT)
    capfd.readouterr()
    with pytest.raises(ReportError) as refused:
        extract.extract_text(data[: int(len(data) * cut)], "cut.pdf")
    assert "'cut.pdf' could not be read as a PDF (it may be damaged)" in refused.value.message
    captured = capfd.readouterr()
    assert "EOF marker" not in captured.err + captured.out
    assert not [record for record in caplog.records if record.name.startswith("pypdf")]


def one_stream_pdf(pages: int, operators: int) -> bytes:
    """A PDF whose pages all draw one shared content stream of `operators` text-showing instructions (small on
    disk, slow to read: the reader works through the stream once for every page)."""
    import zlib

    content = zlib.compress(b"BT /F1 12 Tf 10 10 Td " + b"(a) Tj " * operators + b"ET", 9)
    kids = " ".join(f"{5 + page} 0 R" for page in range(pages))
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ] + [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 3 0 R >>"
    ] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref))
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (
            b"<html><body>" + b"<p>x" * 20_000,
            "paragraphs.html",
            "'paragraphs.html' is a web page nested far more deeply than a report",
        ),
        (
            b"<html><body>" + b"<li><td>x</span>" * 5_000,
            "cells.html",
            "'cells.html' is a web page nested far more deeply than a report",
        ),
        (one_stream_pdf(399, 200_000), "shared.pdf", "'shared.pdf' has far more drawing instructions on page 1 than"),
        (one_stream_pdf(399, 9_000), "many.pdf", "'many.pdf' has far more drawing instructions (over 200,000)"),
    ],
)
def test_a_report_slow_to_read_is_refused_before_reading_starts(admin, data, filename, message):
    assert len(data) < 100_000
    started = time.monotonic()
    with pytest.raises(ReportError, match=re.escape(message)):
        extract.extract_text_in_time(data, filename)
    assert time.monotonic() - started < 1  # the reading limit is 20 seconds
    before = row_counts()
    response = upload(admin, filename, data, filename)
    errors = error_summary(response)
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert row_counts() == before


def test_nesting_is_counted_as_the_parser_nests():
    # paragraphs and list items nest until closed; a stray closing tag closes nothing; a closing tag closes
    # what was opened after its element; comments and scripts hold no elements
    assert extract._nesting_depth(b"<p>a<p>b<p>c") == 3
    assert extract._nesting_depth(b"<div></span></b></i><div>") == 2
    assert extract._nesting_depth(b"<div><p><li>a</div><div>b</div>") == 3
    assert extract._nesting_depth(b"<br><img src=x><hr/><div/><p>") == 1
    assert extract._nesting_depth(b"<!-- <div><div><div> --><script>'<div><div>'</script>") == 1


def test_a_pdf_within_the_drawing_budget_is_still_read():
    assert extract.extract_text(one_stream_pdf(2, 200), "fine.pdf").strip().startswith("aaaa")


def test_only_one_import_is_read_at_a_time(monkeypatch):
    import threading

    def slow(data, filename=None):
        time.sleep(1.5)
        return extract.Source("read")

    monkeypatch.setattr(extract, "read_source", slow)
    results = {}
    first = threading.Thread(target=lambda: results.update(first=extract.extract_text_in_time(b"a", "a.txt", 10)))
    first.start()
    time.sleep(0.5)
    started = time.monotonic()
    with pytest.raises(ReportError) as refused:
        extract.extract_text_in_time(b"b", "b.txt", seconds=10)
    assert time.monotonic() - started < 0.5
    assert refused.value.message == "An import is already being read. Try again in a moment."
    first.join()
    assert results == {"first": "read"}
    assert extract.extract_text_in_time(b"c", "c.txt", seconds=10) == "read"  # free again once the first is read
