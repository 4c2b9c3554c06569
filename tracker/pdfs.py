"""Reading PDFs: pypdf without its complaints reaching the server's output, and pypdfium2 drawing a page as a PNG.

A PDF comes from whoever uploaded it, so whatever reads one for a page runs in a child process held to a budget
of time and memory (`in_child`): a damaged file, one built to be slow or one that asks for gigabytes costs a
moment and a refusal, never a web worker."""

import logging
import math
import multiprocessing
import os
import resource
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


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


class PdfProblem(Exception):
    """Why a PDF could not be read or drawn, as a sentence a page can show after "No preview: ".

    `lasting` is False for what may pass (the file took too long, the server was busy): such an answer is not kept
    in place of the preview."""

    def __init__(self, message: str, lasting: bool = True):
        super().__init__(message)
        self.lasting = lasting


DAMAGED = "the file is damaged or is not really a PDF."
LOCKED = "the PDF is protected by a password."
UNREADABLE = "the PDF could not be read."
TOO_BIG = "the PDF needs more memory to read than a preview may use."


@dataclass(frozen=True)
class Budget:
    """What one child may take: seconds of wall-clock time (and as much processor time), and memory beyond what
    it shares with the web worker it was forked from."""

    seconds: float = 10.0
    memory_bytes: int = 512 * 1024 * 1024


#: children at once in one web worker: a page of previews asks for several images at a time
_CHILDREN = threading.BoundedSemaphore(2)


def in_child(function: Callable[..., Any], *args: Any, budget: Budget = Budget()) -> Any:
    """`function(*args)` in a forked child held to `budget`; its result (which must pickle), or PdfProblem saying
    why there is none: the PdfProblem it raised, or that it ran out of time or memory, or died."""
    if not _CHILDREN.acquire(timeout=budget.seconds):
        raise PdfProblem("the server is busy reading other files. Reload the page in a moment.", lasting=False)
    try:
        return _run_in_child(function, args, budget)
    finally:
        _CHILDREN.release()


def _run_in_child(function: Callable[..., Any], args: tuple, budget: Budget) -> Any:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, function, args, budget), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(budget.seconds):
            limit = "1 second" if budget.seconds == 1 else f"{budget.seconds:g} seconds"
            raise PdfProblem(f"the PDF took more than {limit} to read, so it was stopped.", lasting=False)
        kind, value = receiver.recv()
    except EOFError:
        # the child died without answering: killed for its processor time, or the library crashed
        raise PdfProblem(UNREADABLE) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind == "problem":
        raise PdfProblem(*value)
    return value


def _child(sender, function: Callable[..., Any], args: tuple, budget: Budget) -> None:
    try:
        _hold_to(budget)
        result: tuple[str, Any] = ("value", function(*args))
    except PdfProblem as problem:
        result = ("problem", (str(problem), problem.lasting))
    except MemoryError:
        result = ("problem", (TOO_BIG, True))
    except Exception:  # noqa: BLE001 (whatever a hostile file provokes is a refusal, told in the parent)
        result = ("problem", (UNREADABLE, True))
    sender.send(result)
    sender.close()


def _lowered(kind: int, limit: int) -> None:
    """Lower one limit of this process (never raise one the system set lower)."""
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(kind, (limit, limit))


def _hold_to(budget: Budget) -> None:
    """In the child: memory beyond what it was forked with, and processor seconds, capped by the kernel."""
    try:
        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        inherited = None  # not Linux: the wall-clock limit still holds
    if inherited is not None:
        _lowered(resource.RLIMIT_AS, inherited + budget.memory_bytes)
    _lowered(resource.RLIMIT_CPU, math.ceil(budget.seconds) + 1)


#: a drawn page's width in pixels (twice the width it is shown at, for sharp text), and the most it may be tall
PAGE_IMAGE_WIDTH = 900
PAGE_IMAGE_MAX_HEIGHT = 2400


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise PdfProblem(LOCKED if "password" in str(error).lower() else DAMAGED) from None


def count_pages(data: bytes) -> int:
    """How many pages the PDF has; PdfProblem when it cannot be opened. Run it in a child (`in_child`)."""
    document = _open(data)
    try:
        return len(document)
    finally:
        document.close()


def draw_page(data: bytes, index: int, width: int = PAGE_IMAGE_WIDTH, max_height: int = PAGE_IMAGE_MAX_HEIGHT) -> bytes:
    """The page (from 0) as a PNG `width` pixels wide, or less wide where that would make it taller than
    `max_height`: a page of any declared size is drawn within those bounds. Run it in a child (`in_child`)."""
    document = _open(data)
    try:
        if not 0 <= index < len(document):
            raise PdfProblem("the PDF has no such page.")
        page = document[index]
        page_width, page_height = page.get_size()
        if not (math.isfinite(page_width) and math.isfinite(page_height) and page_width > 0 and page_height > 0):
            raise PdfProblem(DAMAGED)
        scale = min(width / page_width, max_height / page_height)
        bitmap = page.render(scale=scale, force_bitmap_format=pdfium_c.FPDFBitmap_BGR, rev_byteorder=True)
        return png(bitmap.width, bitmap.height, bitmap.stride, memoryview(bitmap.buffer).cast("B"))
    finally:
        document.close()


def png(width: int, height: int, stride: int, rgb: memoryview) -> bytes:
    """An RGB image, rows `stride` bytes apart, as a PNG file (no filter on any row: text pages compress well)."""
    row = width * 3
    raw = b"".join(b"\x00" + bytes(rgb[y * stride : y * stride + row]) for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
