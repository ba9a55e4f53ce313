"""``Events``: a dataset and which of its events are shown, for notebooks and scripts."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from ..io.problems import Problem
from ..model.dataset import Dataset
from ..model.dates import EDTFError, FuzzyDate
from ..model.entities import Event
from ..model.filter import Filter, combine

Names = str | Iterable[str] | None
DateLike = str | int | dt.date | None


def _names(value: Names) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _one(name: str, value: Any, alias: str, alias_value: Any) -> Any:
    """The value of a keyword given by its name or by its other name, not both."""
    if value is not None and alias_value is not None:
        raise TypeError(f"filter() got both {name}= and {alias}= (one name for one thing)")
    return alias_value if value is None else value


def _date(value: DateLike, which: str) -> FuzzyDate | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    try:
        return FuzzyDate.parse(text)
    except EDTFError as exc:
        raise ValueError(
            f"{which}={value!r} is not a date (EDTF such as 2021, 2022-09): {exc}"
        ) from None


def make_filter(
    ds: Dataset,
    *,
    actors: Names = None,
    since: DateLike = None,
    until: DateLike = None,
    text: str | None = None,
    category: Names = None,
    certainty: Names = None,
    actor_match: str = "main",
) -> Filter:
    """The app's :class:`~araz.model.filter.Filter` from names as a person types them.

    ``actors``: names, aliases or ids, any case; a state brings its people and
    organisations (as checking a state in the app's Actors panel does).  ``since``: from
    the date's lower bound; ``until``: to its upper bound (``until="2022"`` keeps the
    whole of 2022); an event shows when its date, widened where it is approximate,
    overlaps.  Raises ValueError naming what is unknown."""
    flt = Filter(actor_match=actor_match)
    wanted = _names(actors)
    if wanted is not None:
        try:
            flt = flt.replace(actors=ds.expand_actors(wanted))
        except KeyError as exc:
            known = ", ".join(sorted({a.name for a in ds.actors.values()}))
            raise ValueError(f"no actor named {exc.args[0]!r} (known: {known})") from None
    cats = _names(category)
    if cats is not None:
        unknown = [c for c in cats if c not in ds.categories]
        if unknown:
            known = ", ".join(ds.categories) or "none"
            raise ValueError(f"no category {unknown[0]!r} (known: {known})")
        flt = flt.replace(categories=cats)
    sure = _names(certainty)
    if sure is not None:
        flt = flt.replace(certainties=sure)
    lo_date, hi_date = _date(since, "since"), _date(until, "until")
    if lo_date is not None or hi_date is not None:
        lo = float(lo_date.lower) if lo_date is not None else -math.inf
        hi = float(hi_date.upper) if hi_date is not None else math.inf
        if lo > hi:
            raise ValueError(f"since={since!r} is after until={until!r}")
        flt = flt.replace(window=(lo, hi))
    if text and text.strip():
        flt = flt.replace(text=text.strip())
    return flt


class Events:
    """Events of one dataset: all of them, or those a chain of filters lets through.

    >>> import araz
    >>> from araz.paths import default_dataset
    >>> events = araz.open(default_dataset())
    >>> iran = events.filter(actors="Iran", since="2021", until="2022")
    >>> 0 < len(iran) < len(events)
    True
    >>> iran.to_geodataframe().crs.to_epsg()
    4326

    The dataset is never copied: a filtered ``Events`` shares it and holds a mask.
    """

    def __init__(
        self,
        dataset: Dataset,
        mask: np.ndarray | None = None,
        *,
        problems: Iterable[Problem] = (),
        filters: tuple[Filter, ...] = (),
    ) -> None:
        n = len(dataset)
        self._dataset = dataset
        self._mask = np.ones(n, bool) if mask is None else np.asarray(mask, bool).copy()
        if self._mask.shape != (n,):
            raise ValueError(f"a mask of {n} values is needed, not {self._mask.shape}")
        self._mask.setflags(write=False)
        self.problems: list[Problem] = list(problems)
        self.filters = filters

    # ------------------------------------------------------------ what is shown

    @property
    def dataset(self) -> Dataset:
        """The whole dataset (every event, the actors and the places)."""
        return self._dataset

    @property
    def mask(self) -> np.ndarray:
        """Per event of the dataset: shown (read-only)."""
        return self._mask

    @property
    def ids(self) -> list[str]:
        """The ids of the shown events, in the dataset's order."""
        return [e.id for e, m in zip(self._dataset.events, self._mask, strict=True) if m]

    def __len__(self) -> int:
        return int(self._mask.sum())

    def __iter__(self) -> Iterator[Event]:
        events = self._dataset.events
        for i in np.flatnonzero(self._mask):
            yield events[int(i)]

    def __repr__(self) -> str:
        title = self._dataset.title or "Araz events"
        return f"<Events {title!r}: {len(self)} of {len(self._dataset)} ({self.describe()})>"

    def describe(self) -> str:
        """The filters in words, as the app's status bar says them."""
        words = [f.describe(self._dataset) for f in self.filters if not f.is_empty]
        return " · ".join(words) or "All events"

    def filter(
        self,
        actors: Names = None,
        since: DateLike = None,
        until: DateLike = None,
        text: str | None = None,
        category: Names = None,
        *,
        categories: Names = None,
        start: DateLike = None,
        end: DateLike = None,
        search: str | None = None,
        certainty: Names = None,
        actor_match: str = "main",
    ) -> Events:
        """The events that also pass these constraints (AND across kinds, OR within one
        kind), with the app's semantics (:func:`make_filter`): ``actor_match="main"``
        keeps an event whose *main* actor is one of ``actors`` (the marker's colour),
        ``"involved"`` one in which any of them takes part; ``text`` searches titles,
        summaries and names as the app's search box does.

        ``categories``, ``start``, ``end`` and ``search`` are other names for
        ``category``, ``since``, ``until`` and ``text`` (the words of the app's panels);
        giving a name and its other name at once is a TypeError.

        >>> import araz
        >>> from araz.paths import default_dataset
        >>> events = araz.open(default_dataset())
        >>> named = events.filter(categories="military", start="2021", end="2022")
        >>> named.ids == events.filter(category="military", since="2021", until="2022").ids
        True
        """
        since = _one("since", since, "start", start)
        until = _one("until", until, "end", end)
        text = _one("text", text, "search", search)
        category = _one("category", category, "categories", categories)
        flt = make_filter(
            self._dataset,
            actors=actors,
            since=since,
            until=until,
            text=text,
            category=category,
            certainty=certainty,
            actor_match=actor_match,
        )
        mask = combine([self._mask, flt.mask(self._dataset)], len(self._dataset))
        return Events(self._dataset, mask, problems=self.problems, filters=(*self.filters, flt))

    # ------------------------------------------------------------ conversions

    def to_geodataframe(self):
        """A ``geopandas.GeoDataFrame``: one row per shown event, a Point ``geometry`` in
        EPSG:4326 (None for an event without a place), ``date`` as EDTF text and its
        bounds ``date_lower``/``date_upper`` as ISO days, ``actors``/``places`` (and their
        ids) as lists; the columns of :data:`araz.export.gis.COLUMNS`."""
        from ..export.gis import geodataframe

        return geodataframe(self._dataset, self._mask)

    def to_arrow(self):
        """A ``pyarrow.Table`` of the same columns (lists as ``list<string>``), with
        ``lon``/``lat`` instead of a geometry."""
        import pyarrow as pa

        from ..export.gis import COLUMNS, LIST_COLUMNS, event_columns

        cols = event_columns(self._dataset, self._mask)
        fields = [
            pa.field(name, pa.list_(pa.string()) if name in LIST_COLUMNS else pa.string())
            for name in COLUMNS
        ]
        fields += [pa.field("lon", pa.float64()), pa.field("lat", pa.float64())]
        return pa.table(cols, schema=pa.schema(fields))

    def to_folium(self, *, tiles: Any = None, basemap: bool | None = None, **options: Any):
        """A ``folium.Map`` of the shown events that works offline (no tiles, Leaflet
        inlined, the bundled Natural Earth basemap); see :func:`araz.api.to_folium`."""
        from .folium_map import to_folium

        return to_folium(self._dataset, self._mask, tiles=tiles, basemap=basemap, **options)

    map = to_folium
    explore = to_folium  # geopandas' name for the same thing
