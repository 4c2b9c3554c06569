"""Paging of the work lists: how many rows a page holds and which page an address asks for."""

from tracker.whole_numbers import whole_number

PAGE_SIZE = 50


def page_number(args) -> int:
    """The page a list's address asks for; anything but a positive number is the first."""
    return whole_number(args.get("page", "1"), 1) or 1
