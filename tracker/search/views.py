"""The search page (`/search?q=`)."""

from flask import render_template, request
from flask_login import current_user

from tracker.search import services
from tracker.search.blueprint import bp
from tracker.shared.access import signed_in


@bp.get("/search")
@signed_in
def search():
    query = request.args.get("q", "")
    results = services.search(current_user, query)
    return render_template("search/results.html", results=results, query=query)
