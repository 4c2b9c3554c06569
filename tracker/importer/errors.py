"""The error raised when an uploaded file cannot be read as an inspection report."""


class ReportError(ValueError):
    """A problem with the uploaded report, worded so it can be shown to the person who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
