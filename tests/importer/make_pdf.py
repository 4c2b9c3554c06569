"""Writes a report as a PDF with a text layer, for looking at by eye: python tests/importer/make_pdf.py in.txt out.pdf

The tests import the writer itself, tracker.demo.pdf, through this module."""

import sys
from pathlib import Path

from tracker.demo.pdf import image_only_pdf, text_pdf

__all__ = ["image_only_pdf", "text_pdf"]

if __name__ == "__main__":
    Path(sys.argv[2]).write_bytes(text_pdf(Path(sys.argv[1]).read_text(encoding="utf-8")))
