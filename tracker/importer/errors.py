"""The errors an import raises: a file that cannot be read as a report, and a report that cannot be saved."""


class ReportError(ValueError):
    """A problem with the uploaded report, worded so it can be shown to the person who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ImportProblem(ValueError):
    """A reason the extracted report cannot be saved as it stands, worded for the person importing it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
