"""The curated dataset drawn from the seed, and the loader's checks."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from araz.io.curated import read_curated, read_curated_bytes
from araz.paths import default_dataset, resource, seed_article

BROKEN = Path(__file__).resolve().parents[1] / "data" / "broken"
SHARED_SEED = Path("/work/shared/seeds/iran-azerbaijan-tensions-2023.txt")


def test_seed_is_the_article_verbatim_with_its_author():
    text = seed_article().read_text(encoding="utf-8")
    assert text.startswith("Tensions in Iran-Azerbaijan relations persist")
    assert "Asma Khan Durrani is an Islamabad-based expert" in text
    if SHARED_SEED.exists():
        assert seed_article().read_bytes() == SHARED_SEED.read_bytes()


def test_between_20_and_30_events(curated):
    assert 20 <= len(curated.events) <= 30


def test_every_quote_is_at_its_offsets(curated):
    text = seed_article().read_text(encoding="utf-8")
    quotes = [q for e in curated.events for q in e.quotes]
    assert quotes
    for e in curated.events:
        assert e.quotes, f"{e.id} has no source sentence"
        for q in e.quotes:
            assert text[q.start : q.end] == q.text


def test_the_five_places_exist_and_are_used(curated):
    used = {r.place for e in curated.events for r in e.places}
    names = {p.name for p in curated.places.values()}
    for name in ("Tehran", "Baku", "Kafan", "Araz River", "Shusha"):
        assert name in names
        pid = next(p.id for p in curated.places.values() if p.name == name)
        assert pid in used, f"{name} is used by no event"


@pytest.mark.parametrize(
    "alias, country",
    [("Kapan", "Armenia"), ("Şuşa", "Azerbaijan"), ("Tehran", "Iran"), ("Bakı", "Azerbaijan")],
)
def test_places_lie_in_their_computed_country(curated, alias, country):
    place = next(p for p in curated.places.values() if alias in p.names())
    assert place.country == country


def test_nakhchivan_is_in_the_gazetteer_and_computed_as_azerbaijan(curated):
    place = curated.places["nakhchivan"]
    assert "Naxçıvan" in place.aliases
    assert place.country == "Azerbaijan"  # the exclave, across Armenia from the rest


def test_araz_is_a_line_along_the_border(curated):
    araz = next(p for p in curated.places.values() if "Aras" in p.names())
    assert araz.geometry["type"] in ("LineString", "MultiLineString")
    assert {"Iran", "Azerbaijan", "Armenia"} <= set(araz.country.split(", "))


def test_country_computation_matches_geopandas(curated):
    import geopandas as gpd
    from shapely.geometry import Point

    countries = gpd.read_file(resource("basemap", "countries.geojson"))
    points = [p for p in curated.places.values() if p.geometry is None]
    pts = gpd.GeoDataFrame(
        {"id": [p.id for p in points]},
        geometry=[Point(p.lon, p.lat) for p in points],
        crs=countries.crs,
    )
    joined = gpd.sjoin(pts, countries, predicate="within")
    by_id = dict(zip(joined["id"], joined["name"], strict=True))
    for p in points:
        assert by_id.get(p.id) == p.country, p.id


def test_actors_belong_to_states_and_filtering_iran_finds_its_people(curated):
    for a in curated.actors.values():
        if a.kind != "state":
            assert curated.actors[a.state].kind == "state"
    iran = curated.expand_actors(["Iran"])
    assert {"irgc", "raisi"} <= iran
    assert curated.expand_actors(["Reisi"]) == curated.expand_actors(["Raisi"])


def test_dates_from_the_record_say_what(curated):
    for e in curated.events:
        assert e.date is not None, e.id
        if e.date.basis == "record":
            assert e.date.note
    attack = next(e for e in curated.events if e.date.edtf == "2023-01-27")
    assert "Tehran" in attack.title or "embassy" in attack.title.lower()


def test_certainty_as_the_seed_words_it(curated):
    """'It is also known that…' is a claim, 'It is feared…' a speculation, the rest reported."""
    seen = set()
    for e in curated.events:
        openings = {" ".join(q.text.split()[:3]) for q in e.quotes}
        if "It is also" in openings:
            assert e.certainty == "claimed", e.id
        elif "It is feared" in openings:
            assert e.certainty == "speculative", e.id
        else:
            assert e.certainty == "reported", e.id
        seen.add(e.certainty)
    assert seen == {"reported", "claimed", "speculative"}


def test_curated_file_matches_the_json_schema():
    schema = json.loads(resource("schema", "araz-dataset.schema.json").read_text())
    doc = yaml.safe_load(default_dataset().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)


EXPECTED = json.loads((BROKEN / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_fault_has_its_message(name):
    path = BROKEN / f"{name}.yaml"
    result = read_curated(path)
    assert result.problems, name
    messages = [str(p) for p in result.problems]
    assert any(EXPECTED[name] in m for m in messages), messages
    for m in messages:
        assert m.startswith(str(path)), m  # file:line: message


def test_fault_lines_point_at_the_record():
    result = read_curated(BROKEN / "unknown_actor.yaml")
    (p,) = result.problems
    line = (BROKEN / "unknown_actor.yaml").read_text().splitlines()[p.line - 1]
    assert "mossad" in line


def test_the_valid_rest_still_loads():
    result = read_curated(BROKEN / "duplicate_id.yaml")
    assert len(result.dataset.events) == 1
    result = read_curated(BROKEN / "unknown_actor.yaml")
    assert result.dataset is not None and result.skipped == 1


def test_base_fixture_is_valid():
    assert read_curated(BROKEN / "_base.yaml").problems == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
def test_arbitrary_bytes_give_the_loaders_own_error(raw):
    result = read_curated_bytes(raw, "fuzz.yaml", compute_countries=False)
    assert result.problems or result.dataset is not None


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8))
yaml_docs = st.recursive(
    yaml_scalars,
    lambda kids: (
        st.lists(kids, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "name",
                    "kind",
                    "state",
                    "point",
                    "lat",
                    "lon",
                    "date",
                    "edtf",
                    "actors",
                    "places",
                    "quotes",
                    "text",
                    "start",
                    "end",
                    "title",
                    "basis",
                    "geometry",
                ]
            ),
            kids,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({"actors": yaml_docs, "places": yaml_docs, "events": yaml_docs}))
def test_arbitrary_structures_give_the_loaders_own_error(doc):
    doc = {"format": "araz-dataset", "version": 1, **doc}
    raw = yaml.safe_dump(doc, allow_unicode=True).encode()
    result = read_curated_bytes(raw, BROKEN / "fuzz.yaml", compute_countries=False)
    assert result.dataset is not None


STRUCTURE_FAULTS = [
    ("    name: Iran\n", "    name: Iran\n    kind: empire\n", "kind: empire", "kind 'empire'"),
    ('date: {edtf: "2023-01-27", basis: seed}', "date: {basis: seed}", "basis: seed", "'edtf:'"),
    ("places: [tehran]", "places: [5]", "places: [5]", "a place is an id"),
    ("category: security", "category: [a, b]", "category: [a, b]", "'category' must be text"),
]


@pytest.mark.parametrize("old, new, line_has, message", STRUCTURE_FAULTS)
def test_schema_faults_are_our_problems_at_their_line(old, new, line_has, message):
    """The schema checks the structure; each fault names the file, the line and what."""
    text = (BROKEN / "_base.yaml").read_text(encoding="utf-8").replace(old, new)
    result = read_curated_bytes(text.encode(), BROKEN / "x.yaml", compute_countries=False)
    p = result.problems[0]  # (then, for a skipped actor, its events' "unknown actor")
    assert message in p.message and str(p).startswith(f"{BROKEN / 'x.yaml'}:{p.line}: ")
    assert line_has in text.splitlines()[p.line - 1]
    assert result.dataset is not None  # the faulty record is skipped, the rest loads


def test_keys_with_a_default_may_be_left_out_for_the_reader_and_the_schema():
    text = (BROKEN / "_base.yaml").read_text(encoding="utf-8")
    for line in ("    category: security\n", "    certainty: reported\n"):
        text = text.replace(line, "")
    text = text.replace('    date: {edtf: "2023-01-27", basis: seed}\n', "")
    result = read_curated_bytes(text.encode(), BROKEN / "x.yaml", compute_countries=False)
    assert result.problems == []
    (event,) = result.dataset.events
    assert (event.certainty, event.category, event.date) == ("reported", "", None)
    schema = json.loads(resource("schema", "araz-dataset.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(text))
