"""Where to send someone after they sign in: only ever a path on this site."""

import re
from urllib.parse import urlsplit

from flask import url_for

#: browsers delete tabs and line breaks anywhere in an address (WHATWG URL standard), so "/\t/evil.example" is
#: "//evil.example" to them; normalise the same way before judging
_IGNORED_BY_BROWSERS = re.compile(r"[\t\n\r]")
#: what browsers trim from either end: C0 controls and space
_TRIMMED = "".join(chr(code) for code in range(0x21))


def same_site_path(target: str | None) -> str | None:
    """The path as a browser would read it, if it stays on this site; else None."""
    if not target:
        return None
    path = _IGNORED_BY_BROWSERS.sub("", target).strip(_TRIMMED)
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in path) or "\\" in path:
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return None
    return path


def safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site; anything else goes home."""
    return same_site_path(target) or url_for("pages.home")
