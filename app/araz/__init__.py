"""Araz: an offline map and timeline of geopolitical events, linked.

From Python (a notebook, a script): ``araz.open(path)`` gives :class:`araz.api.Events`,
``araz.to_folium(events)`` a ``folium.Map``; see :mod:`araz.api`.  They are imported on
first use, so that starting the app does not pay for them.
"""

__version__ = "0.1.0"

_API = ("open", "to_folium", "Events", "OpenError")


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'araz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
