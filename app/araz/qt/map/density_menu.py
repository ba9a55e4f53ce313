"""View menu → Map density (hexagon bins, heatmap, points only) and uncertainty outlines.

The choices are remembered in QSettings (``map/density``, ``map/outlines``) and sent to
the page with :meth:`MapView.set_style`; the page decides when density is drawn (see
:mod:`araz.views.density`).
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from araz.qt import settings as app_settings
from araz.views.density import DEFAULT_DENSITY, DENSITY_MODES

from .view import MapView

LABELS = {
    "hex": "&Hexagon bins when crowded",
    "heat": "Heat&map when crowded",
    "points": "&Points only",
}


def current_style() -> tuple[str, bool]:
    """The remembered View → Map density mode and whether the uncertainty outlines are on
    (what the window's map draws; the HTML export draws the same)."""
    s = app_settings.qsettings()
    mode = app_settings.read_choice(s, "map/density", DEFAULT_DENSITY, DENSITY_MODES)
    return mode, app_settings.read_bool(s, "map/outlines", False)


def install_density_menu(parent: QWidget, menu: QMenu, view: MapView) -> dict[str, QAction]:
    """Add the Map density submenu and the outlines toggle to ``menu``; apply the saved
    choices to ``view``.  Returns the actions by name (``hex``, ``heat``, ``points``,
    ``outlines``)."""
    mode, outlines = current_style()
    sub = menu.addMenu("Map &density")
    group = QActionGroup(sub)
    group.setExclusive(True)
    actions: dict[str, QAction] = {}
    for key in DENSITY_MODES:
        act = QAction(LABELS[key], sub)
        act.setObjectName(f"density_{key}")
        act.setCheckable(True)
        act.setChecked(key == mode)
        act.triggered.connect(lambda _checked=False, key=key: choose(key))
        group.addAction(act)
        sub.addAction(act)
        actions[key] = act
    outline = QAction("Location &uncertainty outlines", menu)
    outline.setObjectName("uncertainty_outlines")
    outline.setCheckable(True)
    outline.setChecked(outlines)
    outline.setStatusTip("Outline every event's location uncertainty (ACLED geo_precision)")
    outline.toggled.connect(lambda on: toggle(on))
    menu.addAction(outline)
    actions["outlines"] = outline

    def choose(key: str) -> None:
        app_settings.qsettings().setValue("map/density", key)
        view.set_style(density=key)

    def toggle(on: bool) -> None:
        app_settings.qsettings().setValue("map/outlines", on)
        view.set_style(outlines=on)

    view.set_style(density=mode, outlines=outlines)
    return actions
