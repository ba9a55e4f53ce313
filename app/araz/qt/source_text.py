"""HTML for the seed article with quotes highlighted: shared by the detail panel (one
paragraph) and the article view (the whole text).  All text is escaped here."""

from __future__ import annotations

from html import escape
from itertools import pairwise

from ..model import Dataset

HIGHLIGHT = "#FFE08A"  # a quote of a shown event
CURRENT = "#F5B700"  # the quote of the active event


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each non-empty line of the seed."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def quote_spans(ds: Dataset, event_ids) -> list[tuple[int, int, str]]:
    """(start, end, event id) of every quote of these events, sorted."""
    spans = []
    for eid in event_ids:
        if eid in ds.index:
            for q in ds.event(eid).quotes:
                spans.append((q.start, q.end, eid))
    return sorted(spans)


def render(text: str, start: int, end: int, spans, current: str | None, links: bool) -> str:
    """HTML of text[start:end] with the spans marked (and linked to their event)."""
    # cut points: every span boundary inside the range
    cuts = {start, end}
    for s, e, _ in spans:
        if s < end and e > start:
            cuts.update((max(s, start), min(e, end)))
    points = sorted(cuts)
    out = []
    for a, b in pairwise(points):
        covering = [eid for s, e, eid in spans if s <= a and e >= b]
        chunk = escape(text[a:b])
        if not covering:
            out.append(chunk)
            continue
        eid = current if current in covering else covering[0]
        colour = CURRENT if eid == current else HIGHLIGHT
        anchor = f' name="q-{escape(eid)}"' if eid == current else ""
        inner = f'<span style="background-color:{colour}; color:#000">{chunk}</span>'
        if links:
            out.append(
                f'<a href="event:{escape(eid)}"{anchor} '
                f'style="text-decoration:none; color:#000">{inner}</a>'
            )
        else:
            out.append(inner)
    return "".join(out)


def article_html(ds: Dataset, shown_ids, current: str | None) -> str:
    seed = ds.seed
    if seed is None:
        return "<p><i>This dataset has no source article.</i></p>"
    spans = quote_spans(ds, list(shown_ids) + ([current] if current else []))
    body = [f"<h2>{escape(seed.title)}</h2>"]
    if seed.author:
        body.append(f"<p><i>by {escape(seed.author)}</i></p>")
    for s, e in paragraphs(seed.text):
        body.append(f"<p>{render(seed.text, s, e, spans, current, links=True)}</p>")
    return "\n".join(body)
