"""HTML for the seed article with quotes highlighted: shared by the detail panel (one
paragraph) and the article view (the whole text).  All text is escaped here."""

from __future__ import annotations

import heapq
from bisect import bisect_right
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
    """HTML of text[start:end] with the spans marked (and linked to their event).

    One sweep over the span boundaries: linear in the spans (times a log), where asking
    every span about every piece took 21 s for 5,000 quotes."""
    inside = [(s, e, eid) for s, e, eid in spans if s < end and e > start]
    inside.sort()
    cuts = {start, end}
    for s, e, _ in inside:
        cuts.update((max(s, start), min(e, end)))
    points = sorted(cuts)
    out = []
    active: list[tuple[int, int]] = []  # heap of (index in inside, its end): first wins
    on_current: list[int] = []  # heap of the ends of the active spans of the current event
    k = 0
    for a, b in pairwise(points):
        while k < len(inside) and inside[k][0] <= a:
            heapq.heappush(active, (k, inside[k][1]))
            if inside[k][2] == current:
                heapq.heappush(on_current, inside[k][1])
            k += 1
        # spans that ended before this piece leave when they reach the top: the top is
        # then the first span (in sorted order) that covers the piece
        while active and active[0][1] < b:
            heapq.heappop(active)
        while on_current and on_current[0] < b:
            heapq.heappop(on_current)
        chunk = escape(text[a:b])
        if not active:
            out.append(chunk)
            continue
        eid = current if on_current else inside[active[0][0]][2]
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


def paragraph_of(paras: list[tuple[int, int]], offset: int) -> int | None:
    """Index of the paragraph holding a character offset (None: between paragraphs)."""
    k = bisect_right(paras, (offset, float("inf"))) - 1
    return k if k >= 0 and paras[k][0] <= offset < paras[k][1] else None


def by_paragraph(paras: list[tuple[int, int]], spans) -> list[list[tuple[int, int, str]]]:
    """Per paragraph, the spans that overlap it: each span goes to its own paragraphs,
    not every paragraph looks at every span."""
    starts = [s for s, _ in paras]
    out: list[list[tuple[int, int, str]]] = [[] for _ in paras]
    for span in spans:
        k = max(bisect_right(starts, span[0]) - 1, 0)
        while k < len(paras) and paras[k][0] < span[1]:
            if paras[k][1] > span[0]:
                out[k].append(span)
            k += 1
    return out


def article_html(ds: Dataset, shown_ids, current: str | None) -> str:
    seed = ds.seed
    if seed is None:
        return "<p><i>This dataset has no source article.</i></p>"
    spans = quote_spans(ds, list(shown_ids) + ([current] if current else []))
    body = [f"<h2>{escape(seed.title)}</h2>"]
    if seed.author:
        body.append(f"<p><i>by {escape(seed.author)}</i></p>")
    paras = paragraphs(seed.text)
    for (s, e), mine in zip(paras, by_paragraph(paras, spans), strict=True):
        body.append(f"<p>{render(seed.text, s, e, mine, current, links=True)}</p>")
    return "\n".join(body)
