"""The composed sheet: the map, a title, the active filters in words, a legend of the
map's colours (main actors, or the Colour by column's values) with counts and the size
note when sized, a scale bar, a strip of the timeline (its marks in the map's colours),
the credits, the export time and a short hash of the dataset, painted with QPainter
into a PNG or a PDF page.

The layout is in logical pixels (``width``×``height``); a PNG is painted ``scale`` times
larger, a PDF on an A4 or Letter landscape page (text stays text).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from araz.export.atomic import atomic_write
from araz.export.selection import Shown
from araz.model.dataset import Dataset
from araz.qt.timeline import TimelineView
from araz.qt.timeline.view import AXIS_H, OVERVIEW_H
from araz.views.records import map_records, timeline_records
from araz.views.timeline.data import TimelineData

from .colouring import MapColours
from .snapshot import PAGES, Bounds, Events, MapRenderer, page_size_px, png_bytes

MARGIN = 24.0
HEADER_H = 78.0
LEGEND_W = 250.0
STRIP_H = 150.0
FOOTER_H = 40.0
GAP = 14.0
INK = QColor("#222222")
MUTED = QColor("#555555")
CREDIT = "Made with Natural Earth"


@dataclass
class SheetParts:
    """Everything painted on a sheet (the map and strip as images of their boxes)."""

    title: str
    filters: str
    legend: list[tuple[str, str, int]]  # (name, colour, count)
    map_image: QImage
    strip: QImage | None
    strip_h: float  # the strip box's height: tall enough for its lanes
    credits: str
    stamp: str
    shown: int
    total: int
    legend_title: str = "Main actor (marker colour)"
    size_note: str = ""  # what a marker's size says ("": one size)
    size_marks: list = field(default_factory=list)  # (value, radius px): circles under it
    extra: dict = field(default_factory=dict)


def layout(width: float, height: float, strip_h: float = STRIP_H) -> dict[str, QRectF]:
    """The boxes of a sheet ``width``×``height`` logical pixels."""
    top = MARGIN + HEADER_H
    strip_top = height - MARGIN - FOOTER_H - strip_h
    map_w = width - 2 * MARGIN - LEGEND_W - GAP
    return {
        "header": QRectF(MARGIN, MARGIN, width - 2 * MARGIN, HEADER_H),
        "map": QRectF(MARGIN, top, map_w, strip_top - GAP - top),
        "legend": QRectF(MARGIN + map_w + GAP, top, LEGEND_W, strip_top - GAP - top),
        "strip": QRectF(MARGIN, strip_top, width - 2 * MARGIN, strip_h),
        "footer": QRectF(MARGIN, height - MARGIN - FOOTER_H, width - 2 * MARGIN, FOOTER_H),
    }


def legend_entries(ds: Dataset, shown: Shown) -> list[tuple[str, str, int]]:
    """(state name, colour, shown events) by descending count."""
    counts = Counter(ds.main_state(e) for e, m in zip(ds.events, shown.mask, strict=True) if m)
    out = []
    for state, n in counts.most_common():
        name = ds.actors[state].name if state in ds.actors else (state or "No actor")
        out.append((name, ds.palette.colour(state), n))
    return out


def credits_text(ds: Dataset) -> str:
    parts = [CREDIT]
    if ds.seed is not None and (ds.seed.title or ds.seed.author):
        seed = f"“{ds.seed.title}”" if ds.seed.title else "the seed article"
        parts.append(f"Source: {seed}" + (f" by {ds.seed.author}" if ds.seed.author else ""))
    return " · ".join(parts)


def strip_view(
    ds: Dataset, shown: Shown, width: int, colours: MapColours | None = None
) -> TimelineView:
    """A timeline of the shown events, off screen, ranged on them, its marks in the
    map's colours (``colours``: the Colour by column's, as the window's timeline; None or
    by main actor: the records' own)."""
    keep = set(shown.shown_ids)
    records = [r for r in timeline_records(ds) if r["id"] in keep]
    view = TimelineView()
    view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    data = TimelineData.from_records(records)
    view.set_data(data)
    if colours is not None and not colours.by_actor:
        rows = np.fromiter((colours.index[i] for i in data.ids), np.intp, count=len(data))
        view.set_colors(colours.scheme.argb()[rows])
    view.resize(width, 400)
    if records:
        lo = min(r["start"] for r in records)
        hi = max(r["end"] for r in records)
        pad = max((hi - lo) * 0.04, 15.0)
        view.set_range(lo - pad, hi + pad)
    return view


def strip_height(view: TimelineView, page_height: float) -> float:
    """Tall enough for every lane of the strip, at most a third of the page. Lanes are
    never cropped: when the labelled rows would not fit, the strip draws its marks
    without labels (every event still shown, none under another); when even those would
    not fit, each lane is folded to one row of marks."""

    def need() -> float:
        return AXIS_H + view.lanes().total_height + OVERVIEW_H + 2

    cap = page_height / 3
    if need() > cap:
        view.set_labels_shown(False)
    if need() > cap:
        for key in view.lanes().keys:
            if key not in view.collapsed_lanes():
                view.toggle_lane(key)
    return float(min(max(need(), 110.0), cap))


def timeline_strip(view: TimelineView, width: int, height: int, scale: float) -> QImage:
    """The strip's timeline painted into an image of its box."""
    view.resize(width, height)
    image = QImage(round(width * scale), round(height * scale), QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(scale)
    image.fill(QColor("white"))
    view.render(image)
    return image


def _font(size: float, bold: bool = False) -> QFont:
    f = QFont("DejaVu Sans")
    f.setPixelSize(max(1, round(size)))
    f.setBold(bold)
    return f


def _elide(p: QPainter, text: str, width: float) -> str:
    return QFontMetricsF(p.font()).elidedText(text, Qt.TextElideMode.ElideRight, width)


def isolate(text: str) -> str:
    """Text from data, isolated for the bidirectional algorithm (FSI … PDI): its own
    direction, and an override in it (U+202E) ends with it instead of reordering what is
    drawn after it."""
    return f"\u2068{text}\u2069"


def _elide_isolated(p: QPainter, text: str, width: float) -> str:
    """``text`` elided to ``width`` (the ellipsis inside the isolate), then isolated."""
    metrics = QFontMetricsF(p.font())
    if metrics.horizontalAdvance(isolate(text)) <= width:
        return isolate(text)
    return isolate(metrics.elidedText(text, Qt.TextElideMode.ElideRight, width))


def paint_sheet(p: QPainter, width: float, height: float, parts: SheetParts) -> None:
    """Paint a sheet in logical pixels (the painter's transform maps them to the device)."""
    box = layout(width, height, parts.strip_h)
    p.fillRect(QRectF(0, 0, width, height), QColor("white"))
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)

    # header: title and the filters in words
    h = box["header"]
    p.setPen(INK)
    p.setFont(_font(26, bold=True))
    title = _elide_isolated(p, parts.title, h.width())
    p.drawText(QRectF(h.left(), h.top(), h.width(), 36), title)
    p.setFont(_font(15))
    p.setPen(MUTED)
    # the counts in their own place: the filters' text (names from data) cannot move them
    counts = f" · {parts.shown} of {parts.total} events"
    counts_w = QFontMetricsF(p.font()).horizontalAdvance(counts) + 2
    filters = _elide_isolated(p, parts.filters, max(h.width() - counts_w, 20.0))
    filters_w = QFontMetricsF(p.font()).horizontalAdvance(filters)
    p.drawText(QRectF(h.left(), h.top() + 42, filters_w + 1, 24), filters)
    p.drawText(QRectF(h.left() + filters_w, h.top() + 42, counts_w, 24), counts)

    # the map (its scale bar is the page's own, in the image)
    m = box["map"]
    p.drawImage(m, parts.map_image)
    p.setPen(QPen(QColor("#888888"), 1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(m)

    # legend
    lg = box["legend"]
    p.setPen(INK)
    p.setFont(_font(15, bold=True))
    heading = _elide_isolated(p, parts.legend_title, lg.width())
    p.drawText(QRectF(lg.left(), lg.top(), lg.width(), 22), heading)
    p.setFont(_font(13))
    y = lg.top() + 32
    note_h = 0.0
    if parts.size_note:  # under the rows, wrapped: room kept for it
        flags = Qt.TextFlag.TextWordWrap
        note_h = p.boundingRect(QRectF(0, 0, lg.width(), 1000), flags, parts.size_note).height()
    for name, colour, count in parts.legend:
        if y + 20 > lg.bottom() - note_h - (8 if note_h else 0):
            break
        p.setPen(QPen(QColor("#282828"), 1))
        p.setBrush(QColor(colour))
        p.drawEllipse(QRectF(lg.left() + 2, y + 3, 13, 13))
        p.setPen(INK)
        # the name (from data) isolated, and its count drawn in a cell of its own after
        # it: nothing in a name can move the count
        metrics = QFontMetricsF(p.font())
        tail = f" — {count}"
        tail_w = metrics.horizontalAdvance(tail) + 2
        room = lg.width() - 24
        text = _elide_isolated(p, name, max(room - tail_w, 20.0))
        name_w = metrics.horizontalAdvance(text)
        p.drawText(QRectF(lg.left() + 24, y, name_w + 1, 20), text)
        p.drawText(QRectF(lg.left() + 24 + name_w, y, tail_w, 20), tail)
        y += 24
    if parts.size_note:
        p.setPen(MUTED)
        note = QRectF(lg.left(), y + 8, lg.width(), note_h)
        p.drawText(note, Qt.TextFlag.TextWordWrap, parts.size_note)
        # its circles under it where there is room (the rows come first)
        if note.bottom() + 6 + _marks_height(parts.size_marks) <= lg.bottom():
            _paint_marks(p, parts.size_marks, lg.left() + 2, note.bottom() + 6)

    # timeline strip
    s = box["strip"]
    if parts.strip is not None:
        p.drawImage(s, parts.strip)
    p.setPen(QPen(QColor("#888888"), 1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(s)

    # footer: credits left, export time and dataset hash right
    f = box["footer"]
    p.setFont(_font(12))
    p.setPen(MUTED)
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    stamp_w = QFontMetricsF(p.font()).horizontalAdvance(parts.stamp) + 8
    p.drawText(QRectF(f.right() - stamp_w, f.top(), stamp_w, f.height()), right, parts.stamp)
    credit = _elide_isolated(p, parts.credits, f.width() - stamp_w - 16)
    p.drawText(QRectF(f.left(), f.top(), f.width() - stamp_w - 16, f.height()), left, credit)


def _marks_height(marks: list) -> float:
    """The size legend's row of circles: as tall as the largest."""
    return 2 * max(r for _, r in marks) + 2 if marks else 0.0


def _paint_marks(p: QPainter, marks: list, left: float, top: float) -> None:
    """A circle per round value, as large as a marker of it (the map's CSS px are the
    sheet's), side by side on one baseline, each value to the right of its circle."""
    if not marks:
        return
    base = top + 2 * max(r for _, r in marks)
    x = left
    p.setFont(_font(12))
    metrics = QFontMetricsF(p.font())
    for label, r in marks:
        p.setPen(QPen(QColor("#282828"), 1))
        p.setBrush(QColor(110, 110, 110, 140))
        p.drawEllipse(QRectF(x, base - 2 * r, 2 * r, 2 * r))
        text_w = metrics.horizontalAdvance(label) + 2
        p.setPen(MUTED)
        cell = QRectF(x + 2 * r + 3, base - r - 9, text_w, 18)
        p.drawText(cell, Qt.AlignmentFlag.AlignVCenter, label)
        x = cell.right() + 12


def sheet_parts(
    renderer: MapRenderer,
    shown: Shown,
    *,
    width: float,
    height: float,
    scale: float,
    title: str = "",
    bounds: Bounds | None = None,
    records: Events | None = None,
    now: datetime | None = None,
    colours: MapColours | None = None,
) -> SheetParts:
    ds = shown.dataset
    strip = strip_view(ds, shown, round(width - 2 * MARGIN), colours)
    box = layout(width, height, strip_height(strip, height))
    records = map_records(ds) if records is None else records
    mw, mh = round(box["map"].width()), round(box["map"].height())
    view = renderer.prepare(
        records, shown.shown_ids, width=mw, height=mh, scale=scale, bounds=bounds,
        colours=colours,
    )  # fmt: skip
    image = renderer.grab(view, scale)
    strip_box = box["strip"]
    try:
        strip_image = timeline_strip(
            strip, round(strip_box.width()), round(strip_box.height()), scale
        )
    finally:
        strip.deleteLater()
    now = now or datetime.now().astimezone()
    return SheetParts(
        title=title or ds.title or "Araz",
        filters=shown.describe(isolate),
        legend=colours.legend_rows(shown.mask) if colours else legend_entries(ds, shown),
        legend_title=colours.title if colours else "Main actor (marker colour)",
        size_note=colours.size_note if colours else "",
        size_marks=colours.size_marks if colours else [],
        map_image=image,
        strip=strip_image,
        strip_h=strip_box.height(),
        credits=credits_text(ds),
        stamp=f"Exported {now:%Y-%m-%d %H:%M %Z}".strip() + f" · dataset {ds.sha}",
        shown=int(shown.mask.sum()),
        total=len(ds),
    )


def sheet_image(parts: SheetParts, width: float, height: float, scale: float) -> QImage:
    image = QImage(round(width * scale), round(height * scale), QImage.Format.Format_RGB32)
    p = QPainter(image)
    try:
        p.scale(scale, scale)
        paint_sheet(p, width, height, parts)
    finally:
        p.end()
    return image


def sheet_pdf(parts: SheetParts, width: float, height: float, page: str) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setResolution(300)
    writer.setTitle(parts.title)
    writer.setCreator("Araz")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(PAGES[page]), QPageLayout.Orientation.Landscape, QMarginsF(0, 0, 0, 0)
        )
    )
    p = QPainter(writer)
    try:
        k = min(writer.width() / width, writer.height() / height)
        p.scale(k, k)
        paint_sheet(p, width, height, parts)
    finally:
        p.end()
    buf.close()
    return bytes(data.data())


def write_sheet(
    renderer: MapRenderer,
    shown: Shown,
    path: str | os.PathLike,
    *,
    width: int = 1600,
    height: int = 1000,
    scale: float = 1.0,
    page: str = "a4",
    title: str = "",
    bounds: Bounds | None = None,
    records: Events | None = None,
    colours: MapColours | None = None,
) -> Path:
    """The composed sheet as PNG (``width``×``height`` × ``scale``) or PDF (by suffix);
    the map and its legend in ``colours`` (None: the main actors' colours, one size)."""
    target = Path(path)
    pdf = target.suffix.lower() == ".pdf"
    if pdf:
        width, height = page_size_px(page)
        scale = max(scale, 2.0)  # print: the map image at least twice as sharp
    parts = sheet_parts(
        renderer,
        shown,
        width=width,
        height=height,
        scale=scale,
        title=title,
        bounds=bounds,
        records=records,
        colours=colours,
    )
    if pdf:
        data = sheet_pdf(parts, width, height, page)
    else:
        data = png_bytes(sheet_image(parts, width, height, scale))
    return atomic_write(target, data, shown.dataset)
