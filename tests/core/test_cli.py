import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from araz import __version__
from araz.cli import main

BROKEN = Path(__file__).resolve().parents[1] / "data" / "broken"


def test_validate_bundled_dataset(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    n, rest = out[0].split(" events, ")
    assert 20 <= int(n) <= 30
    assert rest.endswith(", 0 problems")


def test_validate_reports_problems_and_exits_1(capsys):
    path = BROKEN / "unknown_actor.yaml"
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "0 events, 3 places, 2 actors, 1 problems"
    assert out[1].startswith(f"{path}:27: ok-event: unknown actor 'mossad'")


def test_validate_missing_file(capsys):
    assert main(["validate", "/nonexistent/x.yaml"]) == 1
    out = capsys.readouterr().out
    assert "/nonexistent/x.yaml: cannot read the file" in out


def test_validate_json_shape(capsys):
    assert main(["validate", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    ev = doc["events"][0]
    assert set(ev) == {
        "id",
        "title",
        "summary",
        "date",
        "actors",
        "places",
        "category",
        "certainty",
        "quotes",
    }
    assert set(ev["date"]) >= {"edtf", "display", "lower", "upper", "basis"}
    for e in doc["events"]:
        for a in e["actors"]:
            assert set(a) == {"id", "name", "aliases", "state"}
        for p in e["places"]:
            assert set(p) == {
                *("id", "name", "aliases", "within", "lat", "lon", "kind", "country", "role")
            }
        for q in e["quotes"]:
            assert set(q) == {"text", "start", "end"}
    kafan = [p for e in doc["events"] for p in e["places"] if p["name"] == "Kafan"]
    assert kafan and kafan[0]["country"] == "Armenia"
    attack = next(e for e in doc["events"] if e["date"]["edtf"] == "2023-01-27")
    assert attack["date"]["lower"] == attack["date"]["upper"] == "2023-01-27"


def test_version_and_module_entry_point():
    out = subprocess.run(
        [sys.executable, "-m", "araz", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"araz {__version__}"


def test_an_export_that_matches_nothing_says_so(tmp_path, capsys):
    out = tmp_path / "none.csv"
    assert main(["export", "-o", str(out), "--search", "no such event anywhere"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    assert "no event matches the filters" in captured.err
    assert out.exists()


def test_the_command_reads_with_the_system_allocator_and_gives_memory_back():
    """pyarrow's own pool keeps what a load freed (381 MB held against 168 MB after a
    1M-row read): the ``araz`` command makes pyarrow use the system allocator, whose
    freed memory :func:`araz.heap.trim` returns."""
    sample = (
        Path(__file__).parent.parent / "data" / "samples" / "acled_legacy_uppercase_hdx_fixture.csv"
    )
    script = (
        "import os, sys\n"
        "os.environ.pop('ARROW_DEFAULT_MEMORY_POOL', None)\n"
        "from araz.cli import main\n"
        "main(['validate', sys.argv[1]])\n"
        "import pyarrow\n"
        "from araz import heap\n"
        "heap.trim()\n"
        "print('POOL', pyarrow.default_memory_pool().backend_name)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(sample)], capture_output=True, text=True, timeout=120
    )
    assert "POOL system" in out.stdout, out.stdout + out.stderr


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc")
def test_the_command_starts_no_blas_threads():
    """numpy's OpenBLAS starts a thread per core on import; Araz does no linear algebra,
    so the command keeps it to one (start-up CPU), unless the user set it."""
    code = (
        "import araz.cli, numpy; "
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('Threads')][0])"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "app")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1"]
    env["OPENBLAS_NUM_THREADS"] = "2"  # the user's own setting wins
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["2"], out.stderr
