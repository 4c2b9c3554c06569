"""The search page (`/search?q=`)."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from tracker.auth.access import signed_in
from tracker.search import services

bp = Blueprint("search", __name__)


@bp.get("/search")
@signed_in
def search():
    query = request.args.get("q", "")
    results = services.search(current_user, query)
    return render_template("search/results.html", results=results, query=query)
