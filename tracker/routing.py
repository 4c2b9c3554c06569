"""URL converters shared by every blueprint."""

from werkzeug.routing import IntegerConverter

#: the largest id any table here can hold: ids are INTEGER columns, 32-bit signed on PostgreSQL (SQLite's hold
#: more, but no id there comes near this); a larger one in a query overflows the database's type
MAX_ID = 2**31 - 1


class RecordIdConverter(IntegerConverter):
    """`<int:...>` that matches only ids a database can hold: a longer number is a 404, never an overflow."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app) -> None:
    """Must run before any blueprint is registered: rules bind their converter when they are added."""
    app.url_map.converters["int"] = RecordIdConverter
