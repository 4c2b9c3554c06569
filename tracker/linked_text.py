"""A sentence that knows the page where it is acted on: plain text wherever text is expected (emails, error
messages), a link where a page shows it (`macros/linked.html`)."""


class LinkedText(str):
    endpoint: str | None
    values: dict

    def __new__(cls, text: str, endpoint: str | None = None, **values):
        linked = super().__new__(cls, text)
        linked.endpoint, linked.values = endpoint, values
        return linked
