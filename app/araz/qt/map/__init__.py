"""The map: a Leaflet page in QtWebEngine, served from the ``araz:`` scheme.

Importing this package registers the ``araz:`` URL scheme, which QtWebEngine only accepts
**before the QApplication is created**: the application's entry point imports
``araz.qt.map`` early for that reason.
"""

from araz.qt.map.scheme import register_scheme

register_scheme()

from araz.qt.map.view import MapView  # noqa: E402


def __getattr__(name: str):
    if name == "DEFAULT_BOUNDS":  # the first view, from the model's HOME_BOX: on first use
        from araz.qt.map.view import default_bounds

        return default_bounds()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DEFAULT_BOUNDS", "MapView", "register_scheme"]
