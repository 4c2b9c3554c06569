"""A PDF's first pages are drawn on the server, so the review page shows them in any browser: each image is guarded
as the evidence is, drawn in a child process held to a time and memory budget, kept by the file's hash, and a
damaged, locked or hostile PDF gives "No preview: …" on the page, never a server error."""

import io
import struct

import pytest
from pypdf import PdfReader, PdfWriter

from tests.assurance.conftest import form_data, rec
from tests.assurance.test_refusals import other_region_user
from tests.conftest import DIRECTOR, HEAD, soup_of, text_of
from tracker import pdfs
from tracker.auth.models import HEAD_OF_PDU
from tracker.auth.services import find_user
from tracker.demo import pdf as demo_pdf
from tracker.evidence import services as evidence
from tracker.evidence.models import Evidence
from tracker.organisations import services as organisations


def add_pdf(title: str, data: bytes) -> Evidence:
    """A file put forward as a PDF (its content starts as one, so the upload's check lets it in)."""
    return evidence.add_file_evidence(find_user(HEAD), rec(7), rec(7).actions[0], title, "", "minutes.pdf", data)


def submitted_review(as_user):
    head = as_user(HEAD)
    page = head.get(f"/recommendations/{rec(7).id}/submit")
    assert head.post(f"/recommendations/{rec(7).id}/submit", data=form_data(page, "main form")).status_code == 302
    director = as_user(DIRECTOR)
    return director, soup_of(director.get(f"/recommendations/{rec(7).id}/review"))


def size_of(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", png[16:24])


def locked_pdf() -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(demo_pdf.text_pdf("Minutes kept under a password"))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"%PDF-1.7\n" + b"\x00\x13 not a PDF at all " * 200, "the file is damaged or is not really a PDF."),
        (locked_pdf(), "the PDF is protected by a password."),
    ],
    ids=["damaged", "password"],
)
def test_a_pdf_that_cannot_be_read_says_no_preview_and_why(app, as_user, data, said):
    item = add_pdf("Minutes that will not open", data)
    director, page = submitted_review(as_user)
    card = page.select_one(f"#evidence-{item.id}")
    assert text_of(card.select_one(f"#no-preview-{item.id}")) == f"No preview: {said} Download the file to read it."
    assert card.select("img") == [] and card.select("iframe") == []
    assert card.select_one("a[href$='/download']") is not None
    drawn = director.get(f"/evidence/{item.id}/pages/1.png")
    assert drawn.status_code == 404 and drawn.get_data(as_text=True) == f"No preview: {said}"


def test_a_longer_pdf_shows_its_first_two_pages_and_says_how_many_it_has(app, as_user):
    item = add_pdf("Three-page plan", demo_pdf.text_pdf("Page one of the plan\fPage two of the plan\fPage three"))
    director, page = submitted_review(as_user)
    card = page.select_one(f"#evidence-{item.id}")
    sources = [img["src"] for img in card.select("img.tracker-preview__page")]
    assert sources == [f"/evidence/{item.id}/pages/1.png", f"/evidence/{item.id}/pages/2.png"]
    assert text_of(card.select_one(".tracker-preview__text h4")) == "Text of pages 1 to 2 of 3"
    text = card.select_one(".tracker-preview__text").get_text()
    assert "Page one of the plan" in text and "Page two of the plan" in text and "Page three" not in text
    for source in sources:
        drawn = director.get(source)
        assert drawn.status_code == 200 and drawn.mimetype == "image/png"
        width, height = size_of(drawn.data)
        assert width == 900 and abs(height - 900 * 842 / 595) < 1  # A4, at the width it is drawn
    beyond = director.get(f"/evidence/{item.id}/pages/3.png")
    assert beyond.status_code == 404 and beyond.get_data(as_text=True).startswith("No preview: ")


def test_a_page_of_any_declared_size_is_drawn_within_bounds(app, as_user, monkeypatch):
    monkeypatch.setattr(demo_pdf, "PAGE_WIDTH", 14400)
    monkeypatch.setattr(demo_pdf, "PAGE_HEIGHT", 14400)
    huge = add_pdf("A page five metres across", demo_pdf.text_pdf("Enormous"))
    monkeypatch.setattr(demo_pdf, "PAGE_WIDTH", 59)
    monkeypatch.setattr(demo_pdf, "PAGE_HEIGHT", 8420)
    tall = add_pdf("A ribbon of a page", demo_pdf.text_pdf("Tall"))
    director, _ = submitted_review(as_user)
    assert size_of(director.get(f"/evidence/{huge.id}/pages/1.png").data) == (900, 900)
    width, height = size_of(director.get(f"/evidence/{tall.id}/pages/1.png").data)
    assert height == 2400 and width < 900


def test_each_page_is_drawn_once_for_its_content(app, as_user, monkeypatch):
    item = add_pdf("Drawn once", demo_pdf.text_pdf("Only drawn once, then kept"))
    director, _ = submitted_review(as_user)
    drawn = []
    real = pdfs.in_child
    monkeypatch.setattr(
        pdfs, "in_child", lambda function, *args, **kw: drawn.append(function) or real(function, *args, **kw)
    )
    first = director.get(f"/evidence/{item.id}/pages/1.png")
    second = director.get(f"/evidence/{item.id}/pages/1.png")
    assert first.status_code == second.status_code == 200 and first.data == second.data
    assert drawn == [pdfs.draw_page]


def test_page_images_are_guarded_as_the_evidence_is(app, as_user):
    item = add_pdf("Minutes for Barking only", demo_pdf.text_pdf("Barking's minutes"))
    north_west = organisations.find_region("North West")
    other_region_user("head.other@example.org", HEAD_OF_PDU, organisations.get_or_create("pdu", "Bolton", north_west))
    stranger = as_user("head.other@example.org").get(f"/evidence/{item.id}/pages/1.png")
    assert stranger.status_code == 404 and not stranger.data.startswith(b"\x89PNG")
    link = next(e for e in rec(7).evidence if e.kind == "link")
    assert as_user(DIRECTOR).get(f"/evidence/{link.id}/pages/1.png").status_code == 404
    assert as_user("inspector@example.org").get(f"/evidence/{item.id}/pages/1.png").status_code == 200


def test_a_pdf_that_takes_too_long_is_stopped_and_not_kept(app, as_user, monkeypatch):
    item = add_pdf("Slow to read", demo_pdf.text_pdf("Slow"))
    monkeypatch.setitem(app.config, "UPLOADS_PREVIEW_SECONDS", 1)
    monkeypatch.setattr(evidence, "_read_pdf", lambda data: forever())
    director, page = submitted_review(as_user)
    said = text_of(page.select_one(f"#no-preview-{item.id}"))
    assert (
        said == "No preview: the PDF took more than 1 second to read, so it was stopped. Download the file to read it."
    )
    monkeypatch.undo()
    page = soup_of(director.get(f"/recommendations/{rec(7).id}/review"))
    assert page.select_one(f"#no-preview-{item.id}") is None
    assert page.select_one(f"#evidence-{item.id} img.tracker-preview__page") is not None


def hog() -> bytes:
    return bytes(2 * 1024**3)


def forever() -> None:
    while True:
        pass


def test_the_child_is_held_to_its_memory_and_its_time():
    with pytest.raises(pdfs.PdfProblem, match="needs more memory"):
        pdfs.in_child(hog, budget=pdfs.Budget(seconds=10, memory_bytes=64 * 1024 * 1024))
    with pytest.raises(pdfs.PdfProblem, match="took more than 1 second") as stopped:
        pdfs.in_child(forever, budget=pdfs.Budget(seconds=1))
    assert stopped.value.lasting is False


def test_other_files_say_they_are_not_shown_in_the_page(app, as_user):
    uploaded = evidence.add_file_evidence(
        find_user(HEAD), rec(7), rec(7).actions[0], "Attendance list", "", "attendance.csv", b"name,date\nA,1 May\n"
    )
    _, page = submitted_review(as_user)
    assert text_of(page.select_one(f"#no-preview-{uploaded.id}")) == (
        "No preview: only PDFs and images are shown in the page. Download the file to read it."
    )
