"""The Barking demo on a database of its own, for the benchmarks and simulations that change what they run on."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from flask import Flask

from tracker import create_app
from tracker.extensions import db


@contextmanager
def demo_on_scratch(url: str, folder: Path, today: date, password: str) -> Iterator[Flask]:
    """An app on `url` (uploads in `folder`), its schema made and the demo loaded as of `today`, inside its
    application context; the connections are closed afterwards."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_PATH": str(folder / "uploads"),
            "DEMO_PASSWORD": password,
            "MAIL_BACKEND": "sink",
            "TESTING": True,
        }
    )
    with app.app_context():
        from tracker.demo.services import load_demo  # the app must exist before the demo's models are used

        db.create_all()
        load_demo(today, password=password, quiet=True)
        yield app
        db.session.remove()
        db.engine.dispose()
