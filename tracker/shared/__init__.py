"""Code every feature may use and that uses no feature: editing conflicts, list paging, spreadsheet cells and
same-site redirects."""
