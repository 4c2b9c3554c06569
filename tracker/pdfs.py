"""Reading PDFs with pypdf without its complaints reaching the server's output."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class _Swallowed(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        pass


_SWALLOWED = _Swallowed(logging.WARNING)


@contextmanager
def pdf_library_quiet() -> Iterator[None]:
    """pypdf reports a damaged file ("EOF marker not found") through its logger, which with no handler set prints
    to stderr, into the server's or the command's output. What reads a PDF tells its own user instead (the importer
    refuses the file; a preview shows no text), so those reports go nowhere while it reads."""
    logger = logging.getLogger("pypdf")
    propagate = logger.propagate
    logger.addHandler(_SWALLOWED)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(_SWALLOWED)
        logger.propagate = propagate
