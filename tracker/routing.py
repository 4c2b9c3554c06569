"""URL converters shared by every blueprint."""

from werkzeug.routing import IntegerConverter, ValidationError

from tracker.whole_numbers import MAX_ID, record_id

__all__ = ["MAX_ID", "RecordIdConverter", "init_app"]


class RecordIdConverter(IntegerConverter):
    """`<int:...>` that matches only ids a database can hold, in ASCII digits: a longer number, or one written in
    other digits ("٣"), is a 404, never an overflow. Read by the same function as every other number a request
    carries (tracker.whole_numbers)."""

    regex = r"[0-9]+"

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        number = record_id(value)
        if number is None or (self.max is not None and number > self.max):
            raise ValidationError()
        return number


def init_app(app) -> None:
    """Must run before any blueprint is registered: rules bind their converter when they are added."""
    app.url_map.converters["int"] = RecordIdConverter
