"""Density drawing on the map: when, and the hexagon bins (pure, numpy; no Qt).

The page draws the bins itself (``resources/web/map-density.js``) from the typed arrays it
already holds: a filter, the time brush or a playback step sends only the visibility mask,
and binning 100,000 events there takes a few milliseconds, where computing them here would
add a round trip over the web channel per change (``benchmarks/map.py`` prints both).
This module holds the shared constants and the numpy binning the tests check the page
against and the benchmark times; the page's own rules are in ``map-density.js``.

* Density is drawn when the shown events inside the view are at more than
  :data:`DENSITY_ABOVE` distinct places (markers before spreading: events at one place
  are one marker or one cluster) and the zoom is below :data:`DENSITY_BELOW_ZOOM`;
  else points.
* Bins are pointy-top hexagons of :data:`HEX_R` CSS px (circumradius) fixed to the world
  (Web Mercator pixels at the zoom), so they do not move while panning.
* Colours: 7 viridis classes; class k holds the counts ``step**k .. step**(k+1) - 1``,
  ``step`` the least of 2, 3, 5, 10, 100 whose 7 powers cover the densest bin.
"""

from __future__ import annotations

import math

import numpy as np

DENSITY_MODES = ("hex", "heat", "points")
DEFAULT_DENSITY = "hex"
DENSITY_ABOVE = 1000
DENSITY_BELOW_ZOOM = 10
HEX_R = 12.0
SCALE = ("#c8e020", "#7ad151", "#35b779", "#1f9e89", "#26828e", "#31688e", "#443a83")


def world_xy(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator world coordinates in 0..1 (as the page's worldX/worldY)."""
    lat = np.clip(np.asarray(lat, dtype=float), -85.0511287798, 85.0511287798)
    x = np.asarray(lon, dtype=float) / 360 + 0.5
    phi = np.radians(lat)
    y = 0.5 - np.log(np.tan(math.pi / 4 + phi / 2)) / (2 * math.pi)
    return x, y


def hexbin(
    lat: np.ndarray, lon: np.ndarray, zoom: float, mask: np.ndarray | None = None, r: float = HEX_R
) -> dict[tuple[int, int], int]:
    """Counts per hexagon ``(i, j)`` (column, row of the world-fixed grid at ``zoom``) of
    the events where ``mask`` is set, by the page's rounding (d3-hexbin's)."""
    x, y = world_xy(lat, lon)
    if mask is not None:
        x, y = x[mask], y[mask]
    scale = 256 * 2**zoom
    dx, dy = r * math.sqrt(3), r * 1.5
    py = y * scale / dy
    pj = np.round(py)
    odd = np.mod(pj, 2)
    px = x * scale / dx - odd / 2
    pi = np.round(px)
    py1 = py - pj
    px1 = px - pi
    pi2 = pi + np.where(px < pi, -0.5, 0.5)
    pj2 = pj + np.where(py < pj, -1, 1)
    px2, py2 = px - pi2, py - pj2
    swap = (np.abs(py1) * 3 > 1) & (px1 * px1 + py1 * py1 > px2 * px2 + py2 * py2)
    pi = np.where(swap, pi2 + np.where(odd == 1, 0.5, -0.5), pi)
    pj = np.where(swap, pj2, pj)
    keys = (pj.astype(np.int64) << 32) + pi.astype(np.int64)
    uniq, counts = np.unique(keys, return_counts=True)
    return {(int(k & 0xFFFFFFFF), int(k >> 32)): int(c) for k, c in zip(uniq, counts, strict=True)}
