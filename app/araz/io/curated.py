"""The curated format: one YAML file (``seeds/araz.yaml``) with actors, places and events.

The layout is described by ``resources/schema/araz-dataset.schema.json`` and in the
README.  :func:`read_curated` checks everything a hand-edited file can get wrong and
reports each problem as ``file:line: message``; records with errors are skipped and the
valid rest loads.  A user never sees a traceback from here.
"""

from __future__ import annotations

from pathlib import Path

from ..model.dataset import Dataset, SeedInfo
from ..model.dates import EDTFError, FuzzyDate
from ..model.entities import (
    ACTOR_KINDS,
    BASES,
    CERTAINTIES,
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

    seed = _read_seed(c, root, path)
    categories = root.get("categories") or []
    if not isinstance(categories, list) or not all(isinstance(x, str) for x in categories):
        c.report(root.line_of("categories"), "'categories' must be a list of names")
        categories = []
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
    s = c.mapping(root["seed"], root.line_of("seed"), "'seed'")
    if s is None:
        return None
    file = c.text(s, "file", None, what="seed")
    if file is None:
        return None
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
        title=c.text(s, "title", None, required=False) or seed_path.stem,
        author=c.text(s, "author", None, required=False) or "",
        path=str(seed_path),
        published=c.text(s, "published", None, required=False),
    )


def _read_actors(c: Checker, root) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    pending: list[tuple[yaml_lines.LineDict, Actor]] = []
    seen: set[str] = set()
    for line, item in c.items(root, "actors"):
        d = c.mapping(item, line, "an actor")
        if d is None or (aid := c.ident(d, seen, "actor")) is None:
            continue
        name = c.text(d, "name", aid)
        kind = c.choice(d, "kind", ACTOR_KINDS, "state", aid)
        if kind is None:
            continue
        state = d.get("state")
        if kind != "state" and not isinstance(state, str):
            c.report(
                d.line,
                f"{aid}: {'an' if kind == 'organisation' else 'a'} {kind} needs 'state:' "
                "(the id of its state)",
                aid,
            )
            continue
        if name is None:
            continue
        actor = Actor(aid, name, kind, state if kind != "state" else None, c.aliases(d, aid))
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
    skipped = 0
    for line, item in c.items(root, "events"):
        d = c.mapping(item, line, "an event")
        if d is None:
            skipped += 1
            continue
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
    title = c.text(d, "title", eid)
    summary = c.text(d, "summary", eid, required=False) or ""
    date = _read_date(c, d, eid)
    ok &= title is not None and date is not False

    actor_ids: list[str] = []
    raw = d.get("actors", [])
    if not isinstance(raw, list):
        c.report(d.line_of("actors"), f"{eid}: 'actors' must be a list of actor ids", eid)
        ok = False
    else:
        for a in raw:
            if a not in actors:
                c.report(d.line_of("actors"), f"{eid}: unknown actor {a!r}", eid)
                ok = False
            elif a not in actor_ids:
                actor_ids.append(a)

    refs: list[PlaceRef] = []
    raw = d.get("places", [])
    if not isinstance(raw, list):
        c.report(d.line_of("places"), f"{eid}: 'places' must be a list", eid)
        ok = False
        raw = []
    for i, r in enumerate(raw):
        rline = raw.item_lines[i] if isinstance(raw, yaml_lines.LineList) else d.line
        if isinstance(r, str):
            pid, role = r, None
        elif isinstance(r, dict) and isinstance(r.get("place"), str):
            pid, role = r["place"], r.get("role")
            if role is not None and not isinstance(role, str):
                c.report(rline, f"{eid}: place role must be text", eid)
                ok = False
        else:
            c.report(rline, f"{eid}: a place is an id or {{place: id, role: …}}", eid)
            ok = False
            continue
        if pid not in places:
            c.report(rline, f"{eid}: unknown place {pid!r}", eid)
            ok = False
        else:
            refs.append(PlaceRef(pid, role))

    category = d.get("category", "")
    if not isinstance(category, str):
        c.report(d.line_of("category"), f"{eid}: 'category' must be text", eid)
        ok = False
    elif categories and category and category not in categories:
        c.report(
            d.line_of("category"),
            f"{eid}: category {category!r} is not in 'categories' ({', '.join(categories)})",
            eid,
        )
        ok = False
    certainty = c.choice(d, "certainty", CERTAINTIES, "reported", eid)
    ok &= certainty is not None
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
    raw = d["date"]
    if isinstance(raw, str):
        raw = yaml_lines.LineDict(edtf=raw)
        raw.line, raw.key_lines = d.line_of("date"), {}
    dd = c.mapping(raw, d.line_of("date"), f"{eid}: 'date'")
    if dd is None:
        return False
    edtf = dd.get("edtf")
    if isinstance(edtf, int) and not isinstance(edtf, bool):
        edtf = str(edtf)
    if not isinstance(edtf, str):
        c.report(dd.line, f"{eid}: date needs 'edtf:' text such as 2023-01-27", eid)
        return False
    try:
        value = FuzzyDate.parse(edtf)
    except EDTFError as exc:
        c.report(dd.line_of("edtf"), f"{eid}: bad EDTF date: {exc}", eid)
        return False
    basis = dd.get("basis", "seed")
    if basis not in BASES:
        c.report(
            dd.line_of("basis"),
            f"{eid}: date basis {basis!r} is not one of {', '.join(BASES)}",
            eid,
        )
        return False
    note = dd.get("note")
    if note is not None and not isinstance(note, str):
        c.report(dd.line_of("note"), f"{eid}: date note must be text", eid)
        return False
    if basis == "record" and not note:
        c.report(dd.line, f"{eid}: a date from the record needs a 'note' saying what", eid)
        return False
    if basis == "inferred" and not note:
        c.report(dd.line, f"{eid}: an inferred date needs a 'note' saying how", eid)
        return False
    display = dd.get("display")
    if display is not None and not isinstance(display, str):
        c.report(dd.line_of("display"), f"{eid}: date display must be text", eid)
        return False
    return EventDate(value, display or value.display(), basis, note)


def _read_quotes(c: Checker, d, eid: str, seed: SeedInfo | None) -> list[Quote] | None:
    raw = d.get("quotes", [])
    if not isinstance(raw, list):
        c.report(d.line_of("quotes"), f"{eid}: 'quotes' must be a list", eid)
        return None
    out: list[Quote] = []
    ok = True
    for i, q in enumerate(raw):
        qline = raw.item_lines[i] if isinstance(raw, yaml_lines.LineList) else d.line
        if not isinstance(q, dict):
            c.report(qline, f"{eid}: a quote is {{text, start, end}}", eid)
            ok = False
            continue
        text, start, end = q.get("text"), q.get("start"), q.get("end")
        if not isinstance(text, str) or not all(
            isinstance(x, int) and not isinstance(x, bool) for x in (start, end)
        ):
            c.report(qline, f"{eid}: a quote needs 'text' and integer 'start' and 'end'", eid)
            ok = False
            continue
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
