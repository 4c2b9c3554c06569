"""Helpers shared by the security and robustness tests: a snapshot of every table, and a same-site crawler."""

from collections import deque
from collections.abc import Iterator
from urllib.parse import urldefrag, urlsplit

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from tracker.extensions import db

#: tables that a refused request may still write to by design (a failed sign-in is counted, a job run logged)
BOOKKEEPING = {"sign_in_attempts", "users", "job_runs"}


def snapshot(include_bookkeeping: bool = False) -> dict[str, int]:
    """Row counts of every table, to show that a refused request changed nothing: one statement with a count per
    table, so that a test taking hundreds of snapshots does not pay a round trip for each table."""
    tables = [t for t in db.metadata.sorted_tables if include_bookkeeping or t.name not in BOOKKEEPING]
    counts = db.session.execute(
        select(*(select(func.count()).select_from(table).scalar_subquery() for table in tables))
    ).one()
    return {table.name: count for table, count in zip(tables, counts, strict=True)}


#: never followed by the crawler: they change state on GET-less forms, stream files, or leave the page set
SKIPPED_PREFIXES = ("/assets/", "/sign-out", "/api/")
SKIPPED_SUFFIXES = (".xlsx", ".csv", "/download", "/html")


def same_site_links(html: str) -> Iterator[str]:
    for anchor in BeautifulSoup(html, "lxml").select("a[href]"):
        href = urldefrag(anchor["href"])[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        if href.startswith(SKIPPED_PREFIXES) or parts.path.endswith(SKIPPED_SUFFIXES):
            continue
        yield href


def crawl(client, start: str = "/", limit: int = 120) -> Iterator[tuple[str, object]]:
    """Visit pages reachable by following links from `start`, breadth first, yielding (url, response).

    Query-string variants of a path (sorting, filters) are visited once per path, to keep the walk short."""
    seen_paths: set[str] = set()
    queue = deque([start])
    while queue and len(seen_paths) < limit:
        url = queue.popleft()
        path = urlsplit(url).path
        if path in seen_paths:
            continue
        seen_paths.add(path)
        response = client.get(url)
        yield url, response
        if response.mimetype == "text/html":
            queue.extend(same_site_links(response.get_data(as_text=True)))
