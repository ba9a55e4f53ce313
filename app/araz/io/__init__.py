"""Readers and writers: path or bytes in, Dataset plus a list of problems out.  No Qt.

Readers (each ``path -> LoadResult``, never raising for bad content; the slow ones take
``progress(fraction)`` and ``cancel() -> bool`` callbacks):

* :func:`araz.io.curated.read_curated` — the curated YAML format
* :func:`araz.io.acled.read_acled` — ACLED CSV exports
* :func:`araz.io.geojson.read_geojson` — GeoJSON FeatureCollections
  (:func:`araz.io.geojson.guess_columns` for a mapping dialog)
* :func:`araz.io.timelinejs.read_timelinejs` / :func:`araz.io.timelinejs.read_storymapjs`

:func:`read_path` picks one by the file's name and content, and refuses a file in which
no record has a date or a place (not events).  Every file is opened through
:mod:`araz.io._files`: regular files only, non-blocking, with a size cap per kind, and a
dataset's own files only from its folder.
"""

from __future__ import annotations

from pathlib import Path

from .problems import LoadResult, Problem, ReadError

__all__ = ["FORMATS", "LoadResult", "Problem", "ReadError", "read_path", "sniff"]

# what the open dialog offers: (label, patterns)
FORMATS = (
    ("Araz dataset", ("*.yaml", "*.yml")),
    ("ACLED CSV", ("*.csv",)),
    ("GeoJSON", ("*.geojson", "*.json")),
    ("TimelineJS / StoryMapJS", ("*.json",)),
)
_SNIFF_BYTES = 64 * 1024


def sniff(path: str | Path, head: bytes | None = None) -> str | None:
    """The format of a file: 'curated', 'acled', 'geojson', 'timelinejs', 'storymapjs',
    'json' (JSON of a kind decided after parsing) or None (not one Araz reads)."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext in (".yaml", ".yml"):
        return "curated"
    if ext in (".csv", ".tsv"):
        return "acled"
    if ext == ".geojson":
        return "geojson"
    if ext == ".json":
        return "json"
    if head is None:
        from ._files import InputError, read_head

        try:
            head = read_head(path, _SNIFF_BYTES)
        except InputError:
            return None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return "json"
    if b"format: araz-dataset" in text:
        return "curated"
    first = text.split(b"\n", 1)[0].lower()
    if b"event_date" in first and b"," in first:
        return "acled"
    return None


def json_kind(doc) -> str | None:
    """Which JSON format a parsed document is."""
    if isinstance(doc, dict):
        if doc.get("type") in ("FeatureCollection", "Feature"):
            return "geojson"
        if isinstance(doc.get("storymap"), dict):
            return "storymapjs"
        events = doc.get("events")
        if isinstance(events, list) and (not events or any(map(_is_slide, events))):
            return "timelinejs"
    return None


# what a TimelineJS slide has (at least one of, in at least one slide)
_SLIDE_KEYS = frozenset({"start_date", "end_date", "display_date", "text", "media", "unique_id"})


def _is_slide(value) -> bool:
    return isinstance(value, dict) and not _SLIDE_KEYS.isdisjoint(value)


NOT_EVENTS = (
    "not events: no record has a date or a place (Araz expects events, each with a date, "
    "a place or both: a curated .yaml dataset, ACLED .csv, GeoJSON features, or a "
    "TimelineJS or StoryMapJS story)"
)


def read_path(path, **kwargs) -> LoadResult:
    """Read any format Araz knows, chosen by the file's name and content.

    ``progress``/``cancel`` go to the readers that take them; other keywords go to the
    reader they belong to (``compute_countries`` to the curated one, ``date_property``
    and ``actor_property`` to the GeoJSON one).  ``ask_mapping=True``: GeoJSON whose
    date property cannot be guessed is not read; the result's ``mapping`` holds the
    guess for the caller to ask the user about.
    """
    from ._files import InputError, check_input

    path = Path(path)
    name = str(path)
    progress, cancel = kwargs.pop("progress", None), kwargs.pop("cancel", None)
    ask_mapping = kwargs.pop("ask_mapping", False) and not kwargs.get("date_property")
    try:  # each reader opens the file the same checked way (and checks its own cap:
        # 200 MB for a file read whole, none for an ACLED CSV read in blocks); this says
        # why not at once
        check_input(path, "table")
    except InputError as exc:
        return LoadResult(None, [Problem(name, None, f"cannot read the file: {exc}")])
    from .table_cache import Entry  # a second open memory-maps the first one's table

    cache = Entry(path, {**kwargs, "ask_mapping": ask_mapping})  # the file stamped now
    result = cache.load() or _read(path, progress, cancel, ask_mapping, kwargs)
    ds = result.dataset
    if ds is not None and len(ds) and not ds.arrays["has_date"].any() and ds.unplaced_mask.all():
        # a file of something else read as records with nothing in them: refuse it
        n = f"{len(ds):,} record" + ("" if len(ds) == 1 else "s")
        return LoadResult(None, [Problem(name, None, f"{NOT_EVENTS}; {n} read")])
    cache.store(result)  # a fresh read worth keeping (see table_cache); not a hit
    return result


def _read(path: Path, progress, cancel, ask_mapping: bool, kwargs: dict) -> LoadResult:
    name = str(path)
    kind = sniff(path)
    if kind == "curated":
        options = _only(kwargs, "compute_countries")
        if options.get("compute_countries", True):
            from . import bundled_cache

            if bundled_cache.is_bundled(path):  # checked once, then from the cache
                return bundled_cache.read(path)
        from .curated import read_curated

        return read_curated(path, **options)
    if kind == "acled":
        from .acled import read_acled

        return read_acled(path, progress=progress, cancel=cancel)
    if kind in ("geojson", "json"):
        from ._common import load_json

        problems: list[Problem] = []
        doc = load_json(path, problems)
        if doc is None:
            return LoadResult(None, problems)
        kind = json_kind(doc)
        if kind == "geojson":
            from .geojson import geojson_from_doc, guess_from_doc

            if ask_mapping:
                guess = guess_from_doc(doc, name)
                if guess["features"] and not guess["problems"] and not guess["date"]:
                    return LoadResult(None, problems, mapping=guess)

            return geojson_from_doc(
                doc,
                path,
                problems,
                progress=progress,
                cancel=cancel,
                **_only(kwargs, "date_property", "actor_property"),
            )
        if kind == "timelinejs":
            from .timelinejs import timelinejs_from_doc

            return timelinejs_from_doc(doc, path, problems, progress=progress, cancel=cancel)
        if kind == "storymapjs":
            from .timelinejs import storymapjs_from_doc

            return storymapjs_from_doc(doc, path, problems, progress=progress, cancel=cancel)
        problems.append(
            Problem(
                name,
                1,
                "not a format Araz reads: JSON, but neither a GeoJSON FeatureCollection "
                "nor a TimelineJS story ('events' with 'start_date' and 'text') nor a "
                "StoryMapJS one ('storymap' with 'slides')",
            )
        )
        return LoadResult(None, problems)
    return LoadResult(
        None,
        [
            Problem(
                name,
                None,
                f"not a format Araz reads: {path.suffix or 'no extension'} "
                "(Araz reads .yaml datasets, ACLED .csv, .geojson, and TimelineJS or "
                "StoryMapJS .json)",
            )
        ],
    )


def _only(kwargs: dict, *names: str) -> dict:
    return {k: v for k, v in kwargs.items() if k in names}
