"""A built wheel carries the resources and the seed, and finds them when installed."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (whl,) = out.glob("araz-*.whl")
    return whl


def test_wheel_contains_resources_and_seed(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in [
        "araz/_seeds/araz.yaml",
        "araz/_seeds/iran-azerbaijan-tensions-2023.txt",
        "araz/_seeds/geometries/araz-river.geojson",
        "araz/_resources/basemap/basemap.js",
        "araz/_resources/basemap/countries.geojson",
        "araz/_resources/schema/araz-dataset.schema.json",
        "araz/cli/__init__.py",
        "araz/views/map_payload.py",
        "araz/qt/export/snapshot.py",
    ]:
        assert needed in names, needed


def test_installed_wheel_finds_its_files(wheel, tmp_path):
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(target)
    code = (
        "import araz.paths as p; "
        "print(p.default_dataset()); print(p.resource('basemap', 'basemap.js').exists())"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    dataset, exists = out.stdout.split()
    assert dataset.startswith(str(target)), dataset
    assert exists == "True"
