"""``araz snapshot`` and ``araz export``: exports without a window (offscreen).

araz snapshot -o OUT.png|OUT.pdf [filters] [--bbox W,S,E,N | --fit] [--size 1600x1000]
              [--scale 2] [--sheet] [--title TEXT] [--page a4|letter]
              [--colour-by COLUMN] [--size-by COLUMN]
araz export   -o OUT.csv|.geojson|.gpkg|.parquet|.kml|.kmz|.html [filters]
              [--bbox W,S,E,N] [--title TEXT] [--colour-by COLUMN] [--size-by COLUMN]

filters: [--dataset PATH] [--actor NAME]... [--category C]... [--from EDTF] [--to EDTF]
         [--search TEXT]

On success: exit 0 and print the written path.  On bad options or a failed write: one
line on stderr and exit 2 (options) or 1 (the export itself).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from ..export.atomic import ExportError
from ..export.data import EXPORT_SUFFIXES, SUFFIXES_TEXT, export_data, export_note

SNAPSHOT_SUFFIXES = (".png", ".pdf")


class _Parser(argparse.ArgumentParser):
    """Option errors in one line (argparse's default prints the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _filter_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("what to show (as in the app's filters)")
    g.add_argument("--dataset", metavar="PATH", help="dataset file (default: the bundled one)")
    g.add_argument(
        "--actor",
        action="append",
        metavar="NAME",
        help="an actor by any name or alias; a state brings its people and organisations "
        "(repeat for several)",
    )
    g.add_argument("--category", action="append", metavar="C", help="a category (repeatable)")
    g.add_argument(
        "--from", dest="date_from", metavar="EDTF", help="from this date (2021, 2022-09)"
    )
    g.add_argument("--to", dest="date_to", metavar="EDTF", help="up to the end of this date")
    g.add_argument("--search", metavar="TEXT", help="text in titles, summaries, names")
    p.add_argument("--title", default="", help="title (default: the dataset's)")


def _colour_options(p: argparse.ArgumentParser, what: str) -> None:
    g = p.add_argument_group(f"colours ({what}; as View → Colour by / Size by)")
    g.add_argument(
        "--colour-by",
        metavar="COLUMN",
        help="colour events by this column (main_actor, category, certainty, date_basis, "
        "or a column of the data such as event_type); the legend lists the colours",
    )
    g.add_argument(
        "--size-by",
        metavar="COLUMN",
        help="size markers by this numeric column, e.g. fatalities",
    )


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--bbox {text!r}: expected four numbers W,S,E,N (e.g. 44,38,48,41)"
        ) from None
    if not (-180 <= west < east <= 180 and -85 <= south < north <= 85):
        raise argparse.ArgumentTypeError(
            f"--bbox {text!r}: need -180 <= W < E <= 180 and -85 <= S < N <= 85"
        )
    return west, south, east, north


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--size {text!r}: expected WIDTHxHEIGHT") from None
    if not (100 <= w <= 8000 and 100 <= h <= 8000):
        raise argparse.ArgumentTypeError(f"--size {text!r}: each side from 100 to 8000 pixels")
    return w, h


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.5 <= value <= 4:
        raise argparse.ArgumentTypeError(f"--scale {text!r}: a number from 0.5 to 4")
    return value


def parser_for(command: str) -> argparse.ArgumentParser:
    if command == "snapshot":
        p = _Parser(
            prog="araz snapshot",
            description="Save the map of the shown events as PNG or PDF, drawn offscreen.",
        )
        p.add_argument("-o", "--output", required=True, metavar="OUT", help="OUT.png or OUT.pdf")
        _filter_options(p)
        where = p.add_mutually_exclusive_group()
        where.add_argument(
            "--bbox",
            type=_bbox,
            metavar="W,S,E,N",
            help="frame exactly these lon/lat bounds (Web Mercator); without --size the "
            "height follows the box so that the image is exactly the box",
        )
        where.add_argument("--fit", action="store_true", help="frame the shown events (default)")
        p.add_argument("--size", type=_size, metavar="WxH", help="size in pixels (1600x1000)")
        p.add_argument("--scale", type=_scale, default=1.0, help="pixel scale: 2 for print")
        p.add_argument("--sheet", action="store_true", help="a composed sheet around the map")
        p.add_argument(
            "--page", choices=("a4", "letter"), default="a4", help="PDF page (landscape)"
        )
        _colour_options(p, "the map and the sheet's legend")
        p.set_defaults(func=run_snapshot)
        return p
    p = _Parser(
        prog="araz export",
        description="Save the shown events as CSV, GeoJSON, GeoPackage, GeoParquet, KML/KMZ "
        "(Google Earth) or a standalone offline HTML map.",
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="OUT.csv, OUT.geojson, OUT.gpkg (GeoPackage), OUT.parquet (GeoParquet), "
        "OUT.kml or OUT.kmz (Google Earth) or OUT.html",
    )
    _filter_options(p)
    p.add_argument("--bbox", type=_bbox, metavar="W,S,E,N", help="HTML: the first view")
    _colour_options(p, "the HTML map")
    p.set_defaults(func=run_export)
    return p


def _fail(prog: str, message: str, code: int = 1) -> int:
    print(f"{prog}: {message}", file=sys.stderr)
    return code


def _load(args):
    """(Shown, error message) for the dataset and filter options."""
    from ..export import build_filter, select
    from ..io import read_path
    from ..paths import default_dataset

    path = Path(args.dataset) if args.dataset else default_dataset()
    result = read_path(path)
    if result.dataset is None:
        first = result.problems[0].message if result.problems else "unreadable"
        raise ExportError(f"cannot read the dataset {path}: {first}")
    ds = result.dataset
    flt = build_filter(
        ds,
        actors=args.actor,
        categories=args.category,
        date_from=args.date_from,
        date_to=args.date_to,
        search=args.search,
    )
    return select(ds, flt)


def _colouring(ds, args):
    """The --colour-by / --size-by colouring (None: the main actors', one size)."""
    from ..export.colouring import colouring

    return colouring(ds, args.colour_by, args.size_by)


def mercator_height(width: int, bbox: tuple[float, float, float, float]) -> int:
    """The height at which ``width`` pixels frame ``bbox`` exactly in Web Mercator."""
    import math

    west, south, east, north = bbox

    def y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = math.radians(east - west)
    return max(100, min(8000, round(width * (y(north) - y(south)) / span_x)))


def run_snapshot(args) -> int:
    prog = "araz snapshot"
    out = Path(args.output)
    if out.suffix.lower() not in SNAPSHOT_SUFFIXES:
        return _fail(prog, f"{out}: the output must end in .png or .pdf", 2)
    try:
        from ..export.atomic import check_target

        shown = _load(args)
        colours = _colouring(shown.dataset, args)
        check_target(out, shown.dataset)
        if not out.parent.is_dir():
            raise ExportError(f"cannot write {out}: the folder {out.parent} does not exist")
    except ExportError as exc:
        return _fail(prog, str(exc), 2)
    width, height = args.size or (1600, 1000)
    if args.bbox and not args.size and not args.sheet:
        height = mercator_height(width, args.bbox)

    from ..qt.application import make_application

    app = make_application([prog], headless=True)
    from ..qt.export.colouring import MapColours
    from ..qt.export.sheet import write_sheet
    from ..qt.export.snapshot import MapRenderer, write_snapshot

    map_colours = None
    if colours is not None:
        map_colours = MapColours(
            scheme=colours.scheme,
            radii=colours.radii,
            size_note=colours.size_note,
            index=shown.dataset.index,
            page_legend=colours.legend,
        )

    renderer = MapRenderer()
    try:
        if args.sheet:
            path = write_sheet(
                renderer,
                shown,
                out,
                width=width,
                height=height,
                scale=args.scale,
                page=args.page,
                title=args.title,
                bounds=args.bbox,
                colours=map_colours,
            )
        else:
            path = write_snapshot(
                renderer,
                shown.dataset,
                shown.shown_ids,
                out,
                width=width,
                height=height,
                scale=args.scale,
                bounds=args.bbox,
                page=args.page,
                title=args.title,
                description=shown.describe(),
                colours=map_colours,
            )
    except ExportError as exc:
        return _fail(prog, str(exc))
    finally:
        renderer.close()
        app.processEvents()
    _note_if_empty(prog, shown)
    print(path)
    return 0


def run_export(args) -> int:
    prog = "araz export"
    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        return _fail(prog, f"{out}: the output must end in {SUFFIXES_TEXT}", 2)
    try:
        shown = _load(args)
        colours = _colouring(shown.dataset, args)
        if colours is not None and suffix != ".html":
            raise ExportError("--colour-by and --size-by colour the HTML map only")
    except ExportError as exc:
        return _fail(prog, str(exc), 2)
    try:
        path = export_data(shown, out, title=args.title, bounds=args.bbox, colours=colours)
    except ExportError as exc:
        return _fail(prog, str(exc))
    _note_if_empty(prog, shown)
    note = export_note(shown, path)
    if note:
        print(f"{prog}: note: {note}", file=sys.stderr)
    print(path)
    return 0


def _note_if_empty(prog: str, shown) -> None:
    """Written, but nothing matched: say so (on stderr, so the path stays the output)."""
    if not shown.mask.any():
        print(
            f"{prog}: note: no event matches the filters ({shown.describe()}); "
            "the export holds none",
            file=sys.stderr,
        )
