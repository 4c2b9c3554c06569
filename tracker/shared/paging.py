"""Paging of the work lists: how many rows a page holds and which page an address asks for."""

PAGE_SIZE = 50


def page_number(args) -> int:
    """The page a list's address asks for; anything but a positive number is the first."""
    page = args.get("page", "1")
    return int(page) if page.isdigit() else 1
