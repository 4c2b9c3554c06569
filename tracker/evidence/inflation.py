"""How much an archive's entries really unpack to, read by inflating each one with a budget and stopping at it.

A zip's sizes are the archive's own word: its central directory and local headers can declare 200 bytes for an
entry whose data inflates to 400 MB. Python's zipfile stops at the declared size, but Word, LibreOffice and any
other reader of the downloaded file need not, so the sizes judged here are the real ones: each entry's deflate
stream is inflated from where its local header says the data starts, in small pieces that are counted and
dropped, never held, until the stream ends or a limit is passed."""

import struct
import zipfile
import zlib

#: the input fed to the inflater, and the most output it may hand back, at a time
_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")


class TooLarge(ValueError):
    """An entry would unpack past the archive's budget, or at a ratio only a decompression bomb has."""


def _data_start(data: bytes, info: zipfile.ZipInfo) -> int:
    header = data[info.header_offset : info.header_offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise zipfile.BadZipFile("truncated local header")
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile("no local header where the directory says")
    return info.header_offset + _LOCAL_HEADER.size + name_length + extra_length


def inflated_size(data: bytes, info: zipfile.ZipInfo, budget: int, max_ratio: int, ratio_from: int) -> int:
    """The bytes the entry really unpacks to; TooLarge once past `budget`, or past `ratio_from` bytes at more than
    `max_ratio` times the compressed bytes read so far. Stored entries are their bytes in the file; any other
    method (or encryption) is refused, as no Office or OpenDocument file uses one."""
    if info.flag_bits & 0x1:
        raise zipfile.BadZipFile("encrypted entry")
    start = _data_start(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        size = min(info.compress_size, len(data) - start)
        if size > budget:
            raise TooLarge(info.filename)
        return size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile("unsupported compression method")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    view = memoryview(data)
    position, total = start, 0
    while not inflater.eof:
        piece = view[position : position + _CHUNK]
        if not piece:
            raise zipfile.BadZipFile("deflate stream runs past the end of the file")
        position += len(piece)
        pending = bytes(piece)
        while pending and not inflater.eof:
            total += len(inflater.decompress(pending, _CHUNK))
            pending = inflater.unconsumed_tail
            read = position - start - len(pending) - len(inflater.unused_data)
            if total > budget or (total > ratio_from and total > max_ratio * max(read, 1)):
                raise TooLarge(info.filename)
    return total


def real_total(data: bytes, entries: list[zipfile.ZipInfo], budget: int, max_ratio: int, ratio_from: int) -> int:
    """What all the entries really unpack to together; TooLarge once past `budget` (see inflated_size)."""
    total = 0
    for info in entries:
        total += inflated_size(data, info, budget - total, max_ratio, ratio_from)
    return total
