"""Cells of the CSV and XLSX downloads: text that a spreadsheet would run as a formula is shown instead."""

#: characters that make a spreadsheet treat a cell as a formula (OWASP: CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Prefix a quote so text that looks like a formula is shown, never run."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
