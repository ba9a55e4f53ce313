"""The map: a Leaflet page in QtWebEngine, served from the ``araz:`` scheme.

Importing this package registers the ``araz:`` URL scheme, which QtWebEngine only accepts
**before the QApplication is created**: the application's entry point imports
``araz.qt.map`` early for that reason.
"""

from araz.qt.map.scheme import register_scheme

register_scheme()

from araz.qt.map.view import DEFAULT_BOUNDS, MapView  # noqa: E402

__all__ = ["DEFAULT_BOUNDS", "MapView", "register_scheme"]
