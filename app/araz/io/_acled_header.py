"""Whether a header is ACLED's: one rule for an ACLED CSV's first line (the registry's
sniff) and a spreadsheet's header (:mod:`araz.io.spreadsheet`).  No imports: the
registry is imported at start-up."""

from __future__ import annotations

# columns only ACLED exports have (with event_date): another CSV with a date column
# called event_date is read as any CSV
_ACLED_MARKS = (b"event_id_cnty", b"actor1", b"sub_event_type", b"data_id", b"event_id_no_cnty")


def acled_header(first: bytes) -> bool:
    """Whether a header line (the column names joined by commas) is ACLED's: the rule
    for a CSV's first line and a spreadsheet's header alike."""
    first = first.lower()
    if b"event_date" not in first or b"," not in first:
        return False
    if b"event_id_cnty" in first:
        return True
    # ACLED's reader needs latitude and longitude (another CSV may say lat, lon)
    located = b"latitude" in first and b"longitude" in first
    return located and any(m in first for m in _ACLED_MARKS)
