"""Uploads larger than the limit come back to the form that sent them, with what was typed kept.

A request is read up to `[uploads] max_request_bytes`; within that, each uploaded file keeps only its first
`[uploads] max_bytes` + 1 bytes (the rest is counted and thrown away, so a large file fills neither memory nor
disk). The form then says "The selected file must be smaller than 10MB" against the file input, beside the
title and description the person typed. A request beyond `max_request_bytes` is not read at all: the person is
sent back to the page they were on with the same message."""

import tempfile

from flask import Request, current_app, has_app_context
from werkzeug.datastructures import FileStorage
from wtforms.validators import ValidationError

#: uploads are kept in memory up to this size, then on disk (as Werkzeug does)
SPOOL_BYTES = 500 * 1024
#: the default `[uploads] max_bytes`
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def file_limit() -> int:
    """The largest file, in bytes, that may be uploaded."""
    if not has_app_context():
        return DEFAULT_MAX_BYTES
    return int(current_app.config.get("UPLOADS_MAX_BYTES", DEFAULT_MAX_BYTES))


def limit_text(limit: int | None = None) -> str:
    """The limit as the GOV.UK file upload pattern writes it: 10MB."""
    megabytes = (limit or file_limit()) / (1024 * 1024)
    return f"{megabytes:g}MB"


def too_large_message() -> str:
    return f"The selected file must be smaller than {limit_text()}"


class CappedFile:
    """A file being uploaded: keeps the first `keep` bytes, counts every byte received."""

    def __init__(self, keep: int):
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed with the request)
        self.keep = keep
        self.received = 0

    def write(self, data: bytes) -> int:
        room = self.keep - self.received
        if room > 0:
            self._file.write(data[:room])
        self.received += len(data)
        return len(data)

    @property
    def truncated(self) -> bool:
        return self.received > self.keep

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __iter__(self):
        return iter(self._file)


class TrackerRequest(Request):
    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return CappedFile(file_limit() + 1)


def received_bytes(upload: FileStorage) -> int:
    """How large the uploaded file really was, though only the first part of an oversized one was kept."""
    stream = upload.stream
    if isinstance(stream, CappedFile):
        return stream.received
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(position)
    return size


class FileSmallerThanLimit:
    """A form validator: the uploaded file is within `[uploads] max_bytes`."""

    def __call__(self, form, field):
        if field.data and hasattr(field.data, "stream") and received_bytes(field.data) > file_limit():
            raise ValidationError(too_large_message())
