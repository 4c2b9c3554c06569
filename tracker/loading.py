"""Loading collections for many rows in a fixed number of queries, whatever the number of rows.

selectinload splits large parent lists into chunks of 500, so its query count grows with the data; here each
collection is fetched once with a subquery filter and attached with set_committed_value, so nothing lazy-loads.
"""

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from tracker.extensions import db


def attach(parents: list, key: str, children: list, parent_key) -> None:
    grouped = defaultdict(list)
    for child in children:
        grouped[parent_key(child)].append(child)
    for parent in parents:
        set_committed_value(parent, key, grouped.get(parent.id, []))


def attach_collection(parents: list, relationship, parent_ids) -> list:
    """One query for a one-to-many collection of every parent, ordered as the relationship orders it."""
    remote = relationship.local_remote_pairs[0][1]
    query = select(relationship.mapper.class_).where(remote.in_(parent_ids))
    if relationship.order_by:
        query = query.order_by(*relationship.order_by)
    children = list(db.session.scalars(query))
    attach(parents, relationship.key, children, lambda child: getattr(child, remote.key))
    return children
