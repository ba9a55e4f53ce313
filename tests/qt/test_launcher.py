"""``araz install-launcher``, and Araz started the way a desktop starts it (under Xvfb)."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from araz.cli import launcher
from support import require_tool

ROOT = Path(__file__).resolve().parents[2]
ARAZ = Path(sys.executable).parent / "araz"
LINUX = ROOT / "packaging" / "linux"


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def user_env(home: Path) -> dict[str, str]:
    """A fresh user: its own HOME and XDG folders, no display, a bare PATH."""
    runtime = home / "run"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    keep = ("LANG", "LC_ALL", "TMPDIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    return env | {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_RUNTIME_DIR": str(runtime),
    }


def install(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ARAZ), "install-launcher", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


# ------------------------------------------------------------------ Exec, per the spec


def _unescape_value(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(value[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(x for x in out if x is not None)


def exec_argv(value: str, files: list[str]) -> list[str]:
    """The command a desktop runs for an ``Exec`` value (Desktop Entry spec 1.5, "The Exec
    key"): string unescaping, then quoting, then field codes (%f one file or nothing, %F
    files, %u/%U likewise, %% a percent sign, deprecated and other codes removed)."""
    text = _unescape_value(value)
    args: list[tuple[str, bool]] = []  # (argument, was quoted)
    i, current, quoted, in_arg = 0, [], False, False
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\" and i + 1 < len(text) and text[i + 1] in '"`$\\':
                current.append(text[i + 1])
                i += 1
            elif c == '"':
                quoted = False
            else:
                current.append(c)
        elif c == '"':
            quoted, in_arg = True, True
        elif c == " ":
            if in_arg:
                args.append(("".join(current), True))
            current, in_arg = [], False
        else:
            current.append(c)
            in_arg = True
        i += 1
    assert not quoted, f"unbalanced quotes in Exec={value!r}"
    if in_arg:
        args.append(("".join(current), True))
    argv: list[str] = []
    for arg, _ in args:
        if arg in ("%f", "%u"):
            argv.extend(files[:1])
        elif arg in ("%F", "%U"):
            argv.extend(files)
        else:
            out, j = [], 0
            while j < len(arg):
                if arg[j] == "%" and j + 1 < len(arg):
                    if arg[j + 1] == "%":
                        out.append("%")
                    j += 2
                else:
                    out.append(arg[j])
                    j += 1
            argv.append("".join(out))
    return argv


def desktop_keys(path: Path) -> dict[str, str]:
    keys = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            k, v = line.split("=", 1)
            keys[k.strip()] = v.strip()
    return keys


@pytest.mark.parametrize(
    "path",
    ["/opt/araz/bin/araz", "/home/a b/venv/bin/araz", '/tmp/we"ird $x`\\/100%/araz'],
)
def test_exec_quoting_round_trips(path):
    entry = launcher.desktop_entry(Path(path))
    value = next(line for line in entry.splitlines() if line.startswith("Exec="))[5:]
    assert exec_argv(value, ["/d/x.yaml"]) == [path, "/d/x.yaml"]
    assert exec_argv(value, []) == [path]


def test_packaging_files_are_the_ones_installed():
    assert (LINUX / "araz.desktop.in").read_text() == launcher.DESKTOP_TEMPLATE
    assert (LINUX / "araz-mime.xml").read_text() == launcher.MIME_XML
    assert (ROOT / "resources" / "icons" / "araz.svg").is_file()


def test_metainfo_validates():
    require_tool("appstreamcli", "appstream")
    (metainfo,) = LINUX.glob("*.metainfo.xml")
    done = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_install_and_uninstall(tmp_path, qapp):
    from PySide6.QtGui import QImage

    validate = require_tool("desktop-file-validate", "desktop-file-utils")

    home = tmp_path / "home"
    env = user_env(home)
    # something of the user's that must survive
    other = home / ".local" / "share" / "applications" / "other.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=true\n")
    before = tree(home)

    install(env, "--desktop")
    data = home / ".local" / "share"
    entry = data / "applications" / "araz.desktop"
    done = subprocess.run([validate, str(entry)], capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout
    keys = desktop_keys(entry)
    argv = exec_argv(keys["Exec"], [])
    assert Path(argv[0]).is_absolute() and os.access(argv[0], os.X_OK)
    assert argv[0] == str(ARAZ.absolute())
    assert keys["Exec"].endswith(" %f")
    assert keys["StartupWMClass"] == "Araz"
    assert "application/x-araz+yaml" in keys["MimeType"].split(";")
    assert "application/geo+json" in keys["MimeType"].split(";")

    hicolor = data / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / "araz.svg").read_bytes() == (
        ROOT / "resources" / "icons" / "araz.svg"
    ).read_bytes()
    for size in launcher.PNG_SIZES:
        image = QImage(str(hicolor / f"{size}x{size}" / "apps" / "araz.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
        centre = image.pixelColor(size // 2, size // 2)
        assert centre.alpha() == 255  # drawn, not an empty transparent square

    assert (data / "mime" / "packages" / "araz.xml").is_file()
    if shutil.which("update-mime-database"):
        assert (data / "mime" / "application" / "x-araz+yaml.xml").is_file()

    on_desktop = home / "Desktop" / "araz.desktop"
    assert on_desktop.read_text() == entry.read_text()
    assert os.access(on_desktop, os.X_OK)

    # installing again replaces, and uninstalling leaves exactly what was there before
    install(env, "--desktop")
    out = install(env, "--uninstall").stdout
    assert "removed" in out
    assert tree(home) == before
    assert other.is_file()
    assert "no launcher installed" in install(env, "--uninstall").stdout


# ------------------------------------------------------------------ the real thing, on X


def _xvfb():
    require_tool("Xvfb", "xvfb")
    require_tool("xdotool", "xdotool")
    require_tool("xprop", "x11-utils")
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    number = b""
    deadline = time.monotonic() + 20
    while not number.endswith(b"\n") and time.monotonic() < deadline:
        chunk = os.read(read, 16)
        if not chunk:
            break
        number += chunk
    os.close(read)
    if not number.strip():
        proc.kill()
        proc.wait()
        pytest.fail("Xvfb did not start")
    return proc, f":{int(number)}"


@pytest.fixture
def xserver():
    proc, display = _xvfb()
    yield display
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def windows(display: str, pattern: str = "^Araz") -> list[str]:
    done = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", pattern],
        env={"DISPLAY": display, "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
    )
    return done.stdout.split()


def window_name(display: str, wid: str) -> str:
    env = {"DISPLAY": display, "PATH": os.environ["PATH"]}
    done = subprocess.run(["xdotool", "getwindowname", wid], env=env, capture_output=True)
    return done.stdout.decode("utf-8", "replace").strip()


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([])
sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1]) else 1)
"""


def screenshot(display: str, out: Path):
    """The whole X screen, grabbed by Qt over xcb (no ImageMagick needed)."""
    from PySide6.QtGui import QImage

    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env |= {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    subprocess.run([sys.executable, "-c", GRAB, str(out)], env=env, check=True, timeout=60)
    return QImage(str(out))


def map_is_drawn(image, geometry) -> bool:
    """Many colours where the map is: land, sea, borders and markers, not a blank or
    "Loading map…" panel."""
    x, y, w, h = geometry
    loading = 0xFFDCE6EE  # the "Loading map…" panel (araz.qt.app.show_map_loading)
    pixels = [
        image.pixel(px, py)
        for px in range(x + w // 5, x + w * 3 // 5, 7)
        for py in range(y + h // 8, y + h // 2, 7)
    ]
    return len(set(pixels)) >= 12 and pixels.count(loading) < len(pixels) // 4


def geometry(display: str, wid: str) -> tuple[int, int, int, int]:
    env = {"DISPLAY": display, "PATH": os.environ["PATH"]}
    out = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", wid], env=env, capture_output=True, text=True
    ).stdout
    g = dict(line.split("=", 1) for line in out.split())
    return int(g["X"]), int(g["Y"]), int(g["WIDTH"]), int(g["HEIGHT"])


@pytest.mark.gui
def test_double_click_starts_one_araz(tmp_path, xserver, qapp):
    """Install the launcher, run its Exec line as a desktop would, find the window, look at
    it; a second launch with a file leaves one window, which opens the file."""
    home = tmp_path / "home"
    env = user_env(home)
    install(env)
    entry = home / ".local" / "share" / "applications" / "araz.desktop"
    keys = desktop_keys(entry)
    if os.geteuid() == 0:  # run_app sets it too; Chromium needs it as root
        env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    env["DISPLAY"] = xserver
    log = tmp_path / "araz.log"
    with open(log, "wb") as out:
        first = subprocess.Popen(
            exec_argv(keys["Exec"], []),
            env=env,
            cwd=home,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        started = time.monotonic()
        (wid,) = wait_for(lambda: windows(xserver), 60, "the Araz window")
        appeared = time.monotonic() - started
        assert appeared < 30, appeared

        wm_class = subprocess.run(
            ["xprop", "-id", wid, "WM_CLASS"],
            env={"DISPLAY": xserver, "PATH": os.environ["PATH"]},
            capture_output=True,
            text=True,
        ).stdout
        assert f'"{keys["StartupWMClass"]}"' in wm_class, wm_class
        icon = subprocess.run(
            ["xprop", "-id", wid, "_NET_WM_ICON"],
            env={"DISPLAY": xserver, "PATH": os.environ["PATH"]},
            capture_output=True,
            text=True,
        ).stdout
        assert "not found" not in icon and len(icon) > 100, icon[:200]

        geo = geometry(xserver, wid)
        shot = tmp_path / "screen.png"

        def drawn():
            image = screenshot(xserver, shot)
            return image if map_is_drawn(image, geo) else None

        image = wait_for(drawn, 90, "the map to be drawn")
        assert not image.isNull()

        # a second launch, with a file: it exits at once, the first window opens the file
        sample = tmp_path / "second-launch.yaml"
        shutil.copy(ROOT / "seeds" / "araz.yaml", sample)
        before = window_name(xserver, wid)
        wait_for(lambda: window_name(xserver, wid) != "Araz", 60, "the dataset to load")
        before = window_name(xserver, wid)
        second = subprocess.run(
            exec_argv(keys["Exec"], [str(sample)]),
            env=env,
            cwd=home,
            capture_output=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stderr
        assert first.poll() is None
        app_log = home / ".local" / "state" / "araz" / "araz.log"
        wait_for(
            lambda: app_log.exists() and f"open {sample}" in app_log.read_text(),
            30,
            f"the first window to be asked to open the file ({before})",
        )
        time.sleep(1)
        assert windows(xserver) == [wid]
        assert first.poll() is None
    finally:
        os.killpg(first.pid, 15)
        try:
            first.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(first.pid, 9)
            first.wait()


@pytest.mark.gui
def test_map_shows_loading_until_ready(qtbot, tmp_path, monkeypatch):
    """The window shows "Loading map…" over the map until the page is ready."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QLabel

    import araz.qt.map  # noqa: F401
    from araz.model import AppModel
    from araz.qt.app import app_icon, show_map_loading
    from araz.qt.main_window import MainWindow

    assert not app_icon().isNull()
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    window = MainWindow(AppModel(), restore=False)
    qtbot.addWidget(window)
    show_map_loading(window)
    label = window.map.findChild(QLabel, "map_loading")
    assert label is not None and label.text() == "Loading map…"
    with qtbot.waitSignal(window.map.ready, timeout=30_000):
        window.show()
        assert label.isVisible()
        assert label.geometry() == window.map.rect()
    qtbot.waitUntil(lambda: window.map.findChild(QLabel, "map_loading") is None, timeout=5000)
    window.close()
    window.deleteLater()
    qtbot.wait(50)
