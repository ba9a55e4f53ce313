"""The frozen one-folder bundle (PyInstaller): it builds, carries what the app needs, and
runs with no Python around it: ``araz validate``, ``araz snapshot`` and the window drawn
offscreen to PNGs.

Marked slow: the build takes about half a minute here, so it stays in ``make test``.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "pyinstaller" / "araz.spec"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    pytest.importorskip("PyInstaller", reason="pip install '.[bundle]' (the test extra has it)")
    out = tmp_path_factory.mktemp("bundle")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(out / "dist"),
            "--workpath",
            str(out / "build"),
            str(SPEC),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    folder = out / "dist" / "araz"
    assert (folder / "araz").is_file()
    return folder


def bare_env(tmp_path: Path) -> dict[str, str]:
    """No Python, no venv, no display: only what a user's session would have."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "LANG": "C.UTF-8",
    }
    if os.geteuid() == 0:
        env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    return env


def test_bundle_carries_the_app(bundle):
    inside = bundle / "_internal"
    for needed in [
        "araz/_resources/basemap/basemap.js",
        "araz/_resources/web/map.html",
        "araz/_resources/icons/araz.svg",
        "araz/_seeds/araz.yaml",
        "araz/_seeds/iran-azerbaijan-tensions-2023.txt",
        "xstatic/pkg/leaflet/data/leaflet.js",
        "PySide6/Qt/libexec/QtWebEngineProcess",
        "PySide6/Qt/resources/qtwebengine_resources.pak",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    ]:
        assert (inside / needed).exists(), needed
    assert not (inside / "PySide6" / "Qt" / "qml").exists()  # left out: a widgets app


def test_bundle_validates_its_dataset(bundle, tmp_path):
    done = subprocess.run(
        [str(bundle / "araz"), "validate"],
        env=bare_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 problems" in done.stdout


def test_bundle_draws_the_window_offscreen(bundle, tmp_path, qapp):
    from PySide6.QtGui import QImage

    shot = tmp_path / "bundle.png"
    env = bare_env(tmp_path) | {"QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [str(bundle / "araz"), "--screenshot", str(shot), "--window-size", "1200x800"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1200, 800)
    # the map (centre-left of the window) is drawn: land, sea, borders, markers
    colours = {image.pixel(x, y) for x in range(350, 800, 5) for y in range(60, 450, 5)}
    assert len(colours) > 40, len(colours)


def test_make_bundle_target_uses_the_spec():
    makefile = (ROOT / "Makefile").read_text()
    assert "packaging/pyinstaller/araz.spec" in makefile
    assert shutil.which("make") is None or "bundle:" in makefile


def test_bundle_snapshot_offscreen(bundle, tmp_path, qapp):
    """``araz snapshot`` from the bundle: the map of the bundled dataset, as a PNG."""
    from PySide6.QtGui import QImage

    out = tmp_path / "snapshot.png"
    env = bare_env(tmp_path) | {"QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [str(bundle / "araz"), "snapshot", "-o", str(out), "--size", "800x600"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    image = QImage(str(out))
    assert not image.isNull() and image.width() >= 800
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 40, len(colours)
