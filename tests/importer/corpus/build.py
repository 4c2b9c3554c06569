"""Makes the corpus's PDFs again from their sources: `python tests/importer/corpus/build.py [NAME ...]`.

`NAME.pdf.html` is printed by Chromium (`chromium`, Debian's package) and `NAME.pdf.fodt` by LibreOffice
(`soffice`, package libreoffice-writer-nogui), each to `NAME.pdf`. The PDFs are kept beside their sources so the
tests need neither program. `NAME.pdf.txt` needs no building: the tests lay it out with tracker.demo.pdf.

A PDF made again differs in its bytes (dates, font subsets), so check what the tests measure after building:
`pytest tests/importer/test_corpus.py`. The contents pages give the pages their sections start on; a source whose
layout changes needs those numbers changed to match."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CORPUS = Path(__file__).parent


def chromium(source: Path, target: Path) -> None:
    program = shutil.which("chromium") or "chromium"
    subprocess.run(
        [
            program,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-pdf-tagging",
            f"--print-to-pdf={target}",
            str(source),
        ],
        check=True,
        capture_output=True,
    )


def libreoffice(source: Path, target: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", folder, str(source)],
            check=True,
            capture_output=True,
        )
        shutil.move(Path(folder) / f"{source.name.removesuffix('.fodt')}.pdf", target)


def build(names: list[str]) -> None:
    for source in sorted(CORPUS.glob("*.pdf.html")) + sorted(CORPUS.glob("*.pdf.fodt")):
        name = source.name.split(".pdf.")[0]
        if names and name not in names:
            continue
        target = CORPUS / f"{name}.pdf"
        (chromium if source.suffix == ".html" else libreoffice)(source, target)
        print(f"{target.name}: {target.stat().st_size:,} bytes")


if __name__ == "__main__":
    build(sys.argv[1:])
