"""View menu → Shaded relief: the basemap's relief on or off (on by default).

The choice is remembered in QSettings (``map/relief``) and sent to the page with
:meth:`MapView.set_style`; the page loads the relief images after its first paint (see
``resources/web/map-base-relief.js``).  The map snapshots (PNG, PDF, the sheet) draw as
the window does: :func:`relief_shown` is what they send their offscreen map.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from araz.qt import settings as app_settings

from .view import MapView

KEY = "map/relief"


def relief_shown() -> bool:
    """Whether View → Shaded relief is on (the remembered choice; on by default)."""
    return app_settings.read_bool(app_settings.qsettings(), KEY, True)


def install_relief_toggle(menu: QMenu, view: MapView) -> QAction:
    """Add the Shaded relief toggle to ``menu`` and apply the saved choice to ``view``."""
    action = QAction("Shaded &relief", menu)
    action.setObjectName("shaded_relief")
    action.setCheckable(True)
    action.setChecked(relief_shown())
    action.setStatusTip("Hills and mountains shaded under the map (Tom Patterson's relief)")

    def toggle(on: bool) -> None:
        app_settings.qsettings().setValue(KEY, on)
        view.set_style(relief=on)

    action.toggled.connect(toggle)
    menu.addAction(action)
    view.set_style(relief=action.isChecked())
    return action
