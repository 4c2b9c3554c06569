"""The yardstick for `make bench`: a bare Flask app that renders one template of a chosen size with no database,
so tracker's throughput can be given as a fraction of what Flask itself manages on this machine."""

import os
from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))
#: table rows to render; bench.py sets it so the page is about as large as the tracker page it is compared with
ROWS = int(os.environ.get("BARE_ROWS", "100"))


@app.get("/")
def page():
    rows = [
        {"name": f"Probation delivery unit {n}", "overdue": n % 7, "due": n % 5, "score": (n * 37) % 100}
        for n in range(ROWS)
    ]
    return render_template("bare.html", rows=rows, title="Bare page")
