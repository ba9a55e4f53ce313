"""The curated format: one YAML file (``seeds/araz.yaml``) with actors, places and events.

The layout is described by ``resources/schema/araz-dataset.schema.json`` and in the
README.  :func:`read_curated` validates the structure with that schema
(:mod:`araz.io._curated_schema`), then checks by hand what a schema cannot say (unique and
known ids, EDTF dates, quotes at their offsets, the seed and geometry files), and reports
each problem as ``file:line: message``; records with errors are skipped and the valid
rest loads.  A user never sees a traceback from here.
"""

from __future__ import annotations

from pathlib import Path

from ..model.dataset import Dataset, SeedInfo
from ..model.dates import EDTFError, FuzzyDate
from ..model.entities import (
    Actor,
    Event,
    EventDate,
    PlaceRef,
    Quote,
)
from . import yaml_lines
from ._common import fix_surrogates, may_hold_surrogates
from ._curated_checker import Checker
from ._curated_places import read_places
from ._curated_schema import check_structure
from ._files import InputError, inside, read_input
from .problems import LoadResult

FORMAT = "araz-dataset"
VERSION = 1


# ---------------------------------------------------------------- reading


def read_curated(path: str | Path, *, compute_countries: bool = True) -> LoadResult:
    """Read and check a curated YAML file. Never raises for bad content."""
    path = Path(path)
    c = Checker(path)
    try:  # hand-written: a curated file bigger than its cap is a mistake
        raw = read_input(path, "curated")
    except InputError as exc:
        c.report(None, f"cannot read the file: {exc}")
        return LoadResult(None, c.problems)
    return read_curated_bytes(raw, path, compute_countries=compute_countries)


def read_curated_bytes(
    raw: bytes, path: str | Path = "<data>", *, compute_countries: bool = True
) -> LoadResult:
    path = Path(path)
    c = Checker(path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        c.report(line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
        return LoadResult(None, c.problems)
    if "\x00" in text:
        c.report(text[: text.index("\x00")].count("\n") + 1, "binary data (NUL byte), not YAML")
        return LoadResult(None, c.problems)
    if not text.strip():
        c.report(None, "the file is empty")
        return LoadResult(None, c.problems)
    try:
        doc = yaml_lines.load(text)
    except yaml_lines.YAMLProblem as exc:
        c.report(exc.line, exc.message)
        return LoadResult(None, c.problems)
    if may_hold_surrogates(text):
        fix_surrogates(doc, c.name, c.problems)
    root = c.mapping(doc, 1, "the file")
    if root is None:
        return LoadResult(None, c.problems)
    if root.get("format") != FORMAT:
        c.report(root.line_of("format"), f"not an Araz dataset: expected 'format: {FORMAT}'")
        return LoadResult(None, c.problems)
    if root.get("version") != VERSION:
        c.report(
            root.line_of("version"),
            f"unsupported version {root.get('version')!r} (this Araz reads {VERSION})",
        )
        return LoadResult(None, c.problems)

    c.skip = check_structure(c, root)  # from here on the structure is the schema's
    seed = None if ("seed",) in c.skip else _read_seed(c, root, path)
    categories = [] if ("categories",) in c.skip else root.get("categories") or []
    actors = _read_actors(c, root)
    places = read_places(c, root, path, compute_countries)
    events, skipped = _read_events(c, root, actors, places, seed, categories)
    title = root.get("title") if isinstance(root.get("title"), str) else path.stem
    ds = Dataset(
        events,
        actors,
        places,
        title=title,
        source=str(path),
        seed=seed,
        categories=list(categories),
    )
    return LoadResult(ds, c.problems, skipped)


def _read_seed(c: Checker, root: yaml_lines.LineDict, path: Path) -> SeedInfo | None:
    if "seed" not in root:
        return None
    s = root["seed"]
    file = s["file"].strip()
    try:
        seed_path = inside(path.parent, file)
    except InputError as exc:
        c.report(s.line_of("file"), f"seed: {exc}")
        return None
    try:
        text = read_input(seed_path, "seed", path.parent).decode("utf-8")
    except (InputError, UnicodeDecodeError) as exc:
        c.report(s.line_of("file"), f"seed: cannot read {file}: {exc}")
        return None
    return SeedInfo(
        text=text,
        title=c.text(s, "title") or seed_path.stem,
        author=c.text(s, "author") or "",
        path=str(seed_path),
        published=c.text(s, "published"),
    )


def _read_actors(c: Checker, root) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    pending: list[tuple[yaml_lines.LineDict, Actor]] = []
    seen: set[str] = set()
    for d in c.items(root, "actors"):
        if (aid := c.ident(d, seen, "actor")) is None:
            continue
        name, kind, state = c.text(d, "name"), d.get("kind", "state"), d.get("state")
        actor = Actor(aid, name, kind, state if kind != "state" else None, c.aliases(d))
        actors[aid] = actor
        pending.append((d, actor))
    for d, actor in pending:
        if actor.state is not None:
            st = actors.get(actor.state)
            if st is None or st.kind != "state":
                c.report(d.line_of("state"), f"{actor.id}: unknown state {actor.state!r}", actor.id)
                del actors[actor.id]
    return actors


def _read_events(c: Checker, root, actors, places, seed: SeedInfo | None, categories):
    events: list[Event] = []
    seen: set[str] = set()
    skipped = sum(1 for k in c.skip if k[0] == "events" and len(k) == 2)
    for d in c.items(root, "events"):
        before = len(c.problems)
        ev = _read_event(c, d, seen, actors, places, seed, categories)
        if ev is None:
            skipped += 1
            if len(c.problems) == before:
                c.report(d.line, "event skipped")
        else:
            events.append(ev)
    return events, skipped


def _read_event(c: Checker, d, seen, actors, places, seed, categories) -> Event | None:
    eid = c.ident(d, seen, "event")
    if eid is None:
        return None
    ok = True
    title = c.text(d, "title")
    summary = c.text(d, "summary") or ""
    date = _read_date(c, d, eid)
    ok &= date is not False

    actor_ids: list[str] = []
    for a in d.get("actors", []):
        if a not in actors:
            c.report(d.line_of("actors"), f"{eid}: unknown actor {a!r}", eid)
            ok = False
        elif a not in actor_ids:
            actor_ids.append(a)

    refs: list[PlaceRef] = []
    raw = d.get("places", [])
    for i, r in enumerate(raw):
        rline = raw.item_lines[i]
        pid, role = (r, None) if isinstance(r, str) else (r["place"], r.get("role"))
        if pid not in places:
            c.report(rline, f"{eid}: unknown place {pid!r}", eid)
            ok = False
        else:
            refs.append(PlaceRef(pid, role))

    category = d.get("category", "")
    if categories and category and category not in categories:
        c.report(
            d.line_of("category"),
            f"{eid}: category {category!r} is not in 'categories' ({', '.join(categories)})",
            eid,
        )
        ok = False
    certainty = d.get("certainty", "reported")
    quotes = _read_quotes(c, d, eid, seed)
    ok &= quotes is not None
    if not ok:
        return None
    return Event(
        eid,
        title,
        date or None,
        summary,
        tuple(actor_ids),
        tuple(refs),
        category,
        certainty,
        tuple(quotes or ()),
    )


def _read_date(c: Checker, d, eid: str) -> EventDate | bool | None:
    """The event's date; None when it has none; False when it is wrong."""
    if "date" not in d or d["date"] is None:
        return None
    dd = d["date"]
    if isinstance(dd, str):
        dd = yaml_lines.LineDict(edtf=dd)
        dd.line, dd.key_lines = d.line_of("date"), {}
    edtf = str(dd["edtf"])  # text, or a bare year as a number
    try:
        value = FuzzyDate.parse(edtf)
    except EDTFError as exc:
        c.report(dd.line_of("edtf"), f"{eid}: bad EDTF date: {exc}", eid)
        return False
    basis, note, display = dd.get("basis", "seed"), dd.get("note"), dd.get("display")
    return EventDate(value, display or value.display(), basis, note)


def _read_quotes(c: Checker, d, eid: str, seed: SeedInfo | None) -> list[Quote] | None:
    raw = d.get("quotes", [])
    out: list[Quote] = []
    ok = True
    for i, q in enumerate(raw):
        qline = raw.item_lines[i]
        text, start, end = q["text"], q["start"], q["end"]
        if seed is None:
            c.report(qline, f"{eid}: quotes need the dataset's 'seed:' file", eid)
            ok = False
            continue
        if seed.text[start:end] != text:
            where = seed.text.find(text)
            hint = (
                f" (it is at {where}–{where + len(text)})"
                if where >= 0
                else (" (and it is nowhere in the seed)")
            )
            c.report(qline, f"{eid}: quote is not at offsets {start}–{end} of the seed{hint}", eid)
            ok = False
            continue
        out.append(Quote(text, start, end))
    return out if ok else None
