"""A tiny PDF writer: A4 pages with a real text layer (Helvetica), or a page holding only an image (a scan).

The demo uses it for its evidence files, and the tests for report imports and uploads."""

from __future__ import annotations

import textwrap
import zlib

PAGE_WIDTH, PAGE_HEIGHT = 595, 842
LEADING = 13
LINES_PER_PAGE = 58
WRAP_AT = 100


def text_pdf(text: str) -> bytes:
    """Lay the text out on A4 pages as a word processor would: wrapped lines, a new page at each form feed."""
    pages = [_page_stream(lines) for lines in _paginate(text)]
    return _document(pages, fonts=True)


def image_only_pdf() -> bytes:
    """A one-page PDF holding only a picture, as a scanner produces: there are no text operators at all."""
    stream = b"q 400 0 0 500 100 200 cm /Im1 Do Q"
    return _document([stream], fonts=False)


def _paginate(text: str) -> list[list[str]]:
    pages: list[list[str]] = []
    for block in text.split("\f"):
        lines = [wrapped for line in block.split("\n") for wrapped in (textwrap.wrap(line, WRAP_AT) or [""])]
        for start in range(0, max(len(lines), 1), LINES_PER_PAGE):
            pages.append(lines[start : start + LINES_PER_PAGE])
    return pages


def _escape(line: str) -> bytes:
    encoded = line.encode("cp1252", errors="replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _page_stream(lines: list[str]) -> bytes:
    parts = [b"BT /F1 10 Tf 50 %d Td" % (PAGE_HEIGHT - 50)]
    for line in lines:
        parts.append(b"(" + _escape(line) + b") Tj 0 -%d Td" % LEADING)
    parts.append(b"ET")
    return b"\n".join(parts)


def _document(streams: list[bytes], fonts: bool) -> bytes:
    """Number the objects: 1 catalog, 2 page tree, 3 font or image, then a page and its content per page."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(streams)))
    resources = b"/Font << /F1 3 0 R >>" if fonts else b"/XObject << /Im1 3 0 R >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(streams)),
        _font() if fonts else _image(),
    ]
    for index, stream in enumerate(streams):
        content = first_page + 2 * index + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << %s >> /Contents %d 0 R >>"
            % (PAGE_WIDTH, PAGE_HEIGHT, resources, content)
        )
        objects.append(_stream(stream))
    return _assemble(objects)


def _font() -> bytes:
    return b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def _image() -> bytes:
    pixels = zlib.compress(bytes([200, 80, 200, 80] * 4))
    header = b"<< /Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceGray "
    header += b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>" % len(pixels)
    return header + b"\nstream\n" + pixels + b"\nendstream"


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
