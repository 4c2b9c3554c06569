"""Inline previews: an image is shown in the page from a sandboxed response, and a PDF as its first pages drawn on
the server beside their text, with the PDF itself a link away; decided by the file's content, never its name, and
guarded exactly as the download is."""

import io
import struct
import zlib

from sqlalchemy import select

from tests.assurance.conftest import rec
from tests.assurance.test_refusals import other_region_user
from tests.conftest import DIRECTOR, HEAD, soup_of, text_of
from tracker.auth.models import HEAD_OF_PDU
from tracker.demo.services import minimal_pdf
from tracker.evidence import storage
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.organisations import services as organisations


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def pdf_evidence() -> Evidence:
    return next(item for item in rec(7).evidence if item.content_type == "application/pdf")


def submit(client, number):
    return client.post(f"/recommendations/{rec(number).id}/submit", data={"version": rec(number).version_id})


def test_a_pdf_is_served_inline_from_a_sandbox_that_runs_nothing(app, as_user):
    response = as_user(DIRECTOR).get(f"/evidence/{pdf_evidence().id}/preview")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("inline")
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "allow-scripts" not in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    # every other page still refuses to be framed
    assert as_user(DIRECTOR).get("/reviews").headers["X-Frame-Options"] == "DENY"


def upload(client, action, title: str, filename: str, data: bytes):
    return client.post(
        f"/actions/{action.id}/evidence/upload",
        data={"title": title, "description": "", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_a_file_that_is_not_a_pdf_or_image_inside_is_not_previewed_whatever_its_name(app, as_user):
    uploaded = upload(as_user(HEAD), rec(7).actions[0], "Changed on disk", "minutes.pdf", minimal_pdf("x"))
    assert uploaded.status_code == 302
    evidence = db.session.scalar(select(Evidence).where(Evidence.title == "Changed on disk"))
    # what a file renamed to .pdf would hold, had it got past the upload's own check
    storage.configured_storage().save(evidence, b"<html><script>alert(1)</script></html>")
    db.session.commit()
    assert evidence.original_filename == "minutes.pdf" and evidence.content_type == "application/pdf"
    assert as_user(DIRECTOR).get(f"/evidence/{evidence.id}/preview").status_code == 404
    assert as_user(DIRECTOR).get(f"/evidence/{evidence.id}/download").status_code == 200


def test_someone_from_another_pdu_cannot_preview(app, as_user):
    north_west = organisations.find_region("North West")
    other_region_user("head.other@example.org", HEAD_OF_PDU, organisations.get_or_create("pdu", "Bolton", north_west))
    response = as_user("head.other@example.org").get(f"/evidence/{pdf_evidence().id}/preview")
    assert response.status_code in (403, 404)
    assert not response.data.startswith(b"%PDF")


def test_the_review_page_draws_a_pdfs_first_pages_beside_their_text_and_shows_an_image(app, as_user):
    uploaded = upload(as_user(HEAD), rec(7).actions[0], "Photo of the staff noticeboard", "noticeboard.png", tiny_png())
    assert uploaded.status_code == 302
    assert submit(as_user(HEAD), 7).status_code == 302
    director = as_user(DIRECTOR)
    page = soup_of(director.get(f"/recommendations/{rec(7).id}/review"))
    pdf = pdf_evidence()
    card = page.select_one(f"#evidence-{pdf.id}")
    assert card.select("iframe") == []
    [drawn] = card.select("img.tracker-preview__page")
    assert drawn["src"] == f"/evidence/{pdf.id}/pages/1.png"
    assert drawn["alt"] == f"Page 1 of “{pdf.title}”, whose text is shown beside it"
    image = director.get(drawn["src"])
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")
    assert struct.unpack(">I", image.data[16:20])[0] == 900  # drawn at twice the width it is shown at
    # the text is on the page, not folded away
    text = card.select_one(".tracker-preview__text")
    assert text.find_parent("details") is None
    assert text_of(text.select_one("h4")) == "Text of page 1"
    assert "Inclusion action plan" in text.get_text()
    opener = card.select_one(".tracker-preview__open a")
    assert text_of(opener) == f"Open the PDF “{pdf.title}” (opens in new tab)"
    assert opener["href"] == f"/evidence/{pdf.id}/preview" and opener["target"] == "_blank"

    png = db.session.scalar(select(Evidence).where(Evidence.title == "Photo of the staff noticeboard"))
    image = page.select_one(f"#evidence-{png.id} img")
    assert image["alt"] == "Photo of the staff noticeboard" and image["src"] == f"/evidence/{png.id}/preview"
    shown = director.get(image["src"])
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    link = next(item for item in rec(7).evidence if item.kind == "link")
    assert page.select_one(f"#evidence-{link.id} .tracker-preview") is None


def test_a_damaged_pdf_previews_no_text_and_the_pdf_library_writes_nothing_to_the_server_output(capfd, caplog):
    from tracker.demo.pdf import text_pdf
    from tracker.evidence.services import pdf_preview_text

    whole = text_pdf("Minutes of the quality assurance meeting\n\nAll cases reviewed.")
    assert "quality assurance meeting" in pdf_preview_text(whole)
    assert pdf_preview_text(whole[: len(whole) * 2 // 3]) in ("", pdf_preview_text(whole))
    captured = capfd.readouterr()
    assert "EOF marker" not in captured.err + captured.out
    assert not [record for record in caplog.records if record.name.startswith("pypdf")]


def test_a_pdf_is_read_for_its_preview_once_per_content_and_a_missing_file_is_looked_for_again(app, monkeypatch):
    from tracker.evidence.services import previews

    pdf = pdf_evidence()
    loads = []
    real_load = storage.load_file
    monkeypatch.setattr(storage, "load_file", lambda item: loads.append(item.id) or real_load(item))
    first, second = previews([pdf]), previews([pdf])
    assert "Inclusion action plan" in first[pdf.id].text and second[pdf.id] == first[pdf.id]
    assert loads == [pdf.id]

    missing = Evidence(
        recommendation=pdf.recommendation,
        kind="file",
        title="Lost minutes",
        stored_name="0" * 64,
        content_type="application/pdf",
        sha256="f" * 64,
    )
    db.session.add(missing)
    db.session.flush()
    monkeypatch.setattr(
        storage, "load_file", lambda item: loads.append(item.id) or (None if item is missing else real_load(item))
    )
    assert previews([missing])[missing.id].problem.startswith("the file cannot be found in storage.")
    monkeypatch.setattr(storage, "load_file", lambda item: real_load(pdf))  # the file put back
    assert "Inclusion action plan" in previews([missing])[missing.id].text
