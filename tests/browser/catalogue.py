"""Record ids of the demo data, read straight from a browser server's SQLite file, to build page addresses."""

import functools
import sqlite3
from datetime import date
from pathlib import Path

HEAD = "head.bdh@example.org"
DIRECTOR = "london.director@example.org"
HMPPS = "hmpps.lead@example.org"
OWNER = "action.owner@example.org"
VIEWER = "inspector@example.org"
ADMIN = "admin@example.org"


@functools.cache
def demo_ids(database: Path) -> dict[str, int]:
    """Read once per database, before the journeys change it: a test that re-dates "action_redatable" must not
    leave the tests after it on the same server without one."""
    with sqlite3.connect(database) as connection:

        def one(sql: str, *args) -> int:
            row = connection.execute(sql, args).fetchone()
            assert row is not None, sql
            return row[0]

        inspection = one("SELECT id FROM inspections ORDER BY id")
        recs = dict(
            connection.execute(
                "SELECT number, id FROM recommendations WHERE inspection_id = ?", (inspection,)
            ).fetchall()
        )
        ids = {
            "inspection": inspection,
            "action_owned": one(
                "SELECT a.id FROM actions a JOIN users u ON u.id = a.owner_id WHERE "
                "a.recommendation_id = ? AND u.email = ? ORDER BY a.id",
                recs[1],
                OWNER,
            ),
            # open, with progress recorded (so moving it needs a reason), never re-dated and not yet due: the
            # head, its recommendation's lead, may move it a little without the reviewer. "Not yet due" is as of
            # the suite's declared clock, on which the demo was built, not SQLite's date('now'), the real one.
            "action_redatable": one(
                "SELECT a.id FROM actions a JOIN recommendations r ON r.id = a.recommendation_id "
                "JOIN users u ON u.id = r.lead_id WHERE r.inspection_id = ? AND u.email = ? "
                "AND a.status != 'complete' AND a.target_on = a.original_target_on "
                "AND EXISTS (SELECT 1 FROM progress_updates p WHERE p.action_id = a.id) "
                "AND a.target_on > ? ORDER BY a.id",
                inspection,
                HEAD,
                date.today().isoformat(),
            ),
            "evidence_file": one("SELECT id FROM evidence WHERE kind = 'file' ORDER BY id"),
            "pdu": one("SELECT id FROM organisations WHERE name = 'Barking, Dagenham and Havering'"),
            "london": one("SELECT id FROM organisations WHERE kind = 'region' AND name = 'London'"),
            "user_head": one("SELECT id FROM users WHERE email = ?", HEAD),
            "outbox_message": one("SELECT id FROM outbox_messages ORDER BY id"),
        }
        ids.update({f"rec{number}": rec_id for number, rec_id in recs.items()})
        return ids
