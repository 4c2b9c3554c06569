"""Entry point: `flask --app app run`, `flask --app app tracker ...`, and `gunicorn app:app`."""

from tracker import create_app

app = create_app()
