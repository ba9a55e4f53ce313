"""``araz install-launcher``: put Araz in the desktop's application menu (freedesktop).

Writes, under ``$XDG_DATA_HOME`` (default ``~/.local/share``):

* ``applications/araz.desktop``: the Desktop Entry, its ``Exec`` the absolute path of the
  installed ``araz`` (a double-click needs no shell, PATH or activated environment), ``%f``
  for a file given to it, the MIME types Araz opens;
* ``icons/hicolor/scalable/apps/araz.svg`` and ``icons/hicolor/NxN/apps/araz.png``, the
  PNGs rendered from our SVG with Qt's QSvgRenderer (no external tool);
* ``mime/packages/araz.xml``: the ``application/x-araz+yaml`` type of our curated files;
* with ``--desktop`` a copy of the entry on the user's desktop, executable and marked
  trusted where ``gio`` exists.

A manifest (``araz/launcher-manifest.json``) lists what was written and which folders were
created, so ``--uninstall`` removes exactly that.  The texts below are also kept as files
for distribution packagers in ``packaging/linux/`` (a test checks they are the same).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

APP_ID = "araz"
WM_CLASS = "Araz"  # QCoreApplication.applicationName(): the class part of WM_CLASS on X11
MIME_TYPE = "application/x-araz+yaml"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

DESKTOP_TEMPLATE = f"""\
[Desktop Entry]
Type=Application
Version=1.0
Name=Araz
GenericName=Event Map and Timeline
Comment=Geopolitical events on a map and a timeline, linked; works offline
Exec=@EXEC@ %f
TryExec=@TRYEXEC@
Icon={APP_ID}
Terminal=false
Categories=Education;Geography;
Keywords=map;timeline;events;geopolitics;Iran;Azerbaijan;Armenia;
MimeType={MIME_TYPE};application/geo+json;
StartupNotify=true
StartupWMClass={WM_CLASS}
"""

MIME_XML = f"""\
<?xml version="1.0" encoding="UTF-8"?>
<!-- The curated Araz dataset: YAML whose top level says `format: araz-dataset`. -->
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="{MIME_TYPE}">
    <comment>Araz dataset</comment>
    <sub-class-of type="application/yaml"/>
    <icon name="{APP_ID}"/>
    <glob pattern="*.araz.yaml" weight="60"/>
    <glob pattern="*.araz.yml" weight="60"/>
    <magic priority="60">
      <match type="string" value="format: araz-dataset" offset="0:4096"/>
    </magic>
  </mime-type>
</mime-info>
"""

# Files the desktop's cache tools write; a folder we created holding only these is ours.
_GENERATED = {"mimeinfo.cache"}


# ------------------------------------------------------------------ where things go


def data_home() -> Path:
    """``$XDG_DATA_HOME``, else ``~/.local/share`` (the freedesktop folders, on any OS)."""
    from platformdirs.unix import Unix

    return Unix().user_data_path


def desktop_dir() -> Path:
    """The user's desktop folder: ``xdg-user-dir DESKTOP``, else ``~/Desktop``."""
    home = Path.home()
    tool = shutil.which("xdg-user-dir")
    if tool:
        try:
            out = subprocess.run(
                [tool, "DESKTOP"], capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        # xdg-user-dir answers $HOME when no desktop folder is configured.
        if out and os.path.isabs(out) and Path(out) != home:
            return Path(out)
    return home / "Desktop"


def manifest_path() -> Path:
    return data_home() / "araz" / "launcher-manifest.json"


def araz_executable() -> Path:
    """The absolute path of the ``araz`` program that is running (or installed)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).absolute()
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if (
        argv0 is not None
        and argv0.name.startswith("araz")
        and argv0.suffix != ".py"
        and argv0.is_file()
        and os.access(argv0, os.X_OK)
    ):
        return argv0.absolute()
    beside = Path(sys.executable).parent / "araz"  # the venv's bin
    if beside.is_file():
        return beside.absolute()
    found = shutil.which("araz")
    if found:
        return Path(found).absolute()
    raise FileNotFoundError("cannot find the installed `araz` program")


# ------------------------------------------------------------------ the texts


def _escape_value(text: str) -> str:
    """A Desktop Entry string value: backslash and control characters escaped."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def exec_argument(path: str) -> str:
    """One argument of an ``Exec`` key, quoted per the Desktop Entry spec when needed."""
    arg = path.replace("%", "%%")
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    if any(c in reserved for c in arg):
        inner = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        arg = f'"{inner}"'
    return _escape_value(arg)


def desktop_entry(executable: Path) -> str:
    return DESKTOP_TEMPLATE.replace("@EXEC@", exec_argument(str(executable))).replace(
        "@TRYEXEC@", _escape_value(str(executable))
    )


def icon_svg() -> Path:
    from ..paths import resource

    return resource("icons", "araz.svg")


def render_png(svg: Path, size: int, out: Path) -> None:
    """Render the SVG to a square PNG (with QtSvg, in :mod:`araz.qt.icons`)."""
    from ..qt.icons import render_svg_png

    render_svg_png(svg, size, out)


# ------------------------------------------------------------------ install / uninstall


@dataclass
class Manifest:
    files: list[str] = field(default_factory=list)
    dirs: list[str] = field(default_factory=list)  # created by us, outermost first

    def make_dirs(self, path: Path) -> None:
        missing = []
        for parent in [path, *path.parents]:
            if parent.is_dir():
                break
            missing.append(parent)
        path.mkdir(parents=True, exist_ok=True)
        for created in reversed(missing):
            self.dirs.append(str(created))

    def write(self, path: Path, data: str | bytes | None = None, *, mode: int = 0o644) -> Path:
        self.make_dirs(path.parent)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        elif data is not None:
            path.write_bytes(data)
        path.chmod(mode)
        self.files.append(str(path))
        return path


def _run(*cmd: str) -> bool:
    """Run a desktop tool if it exists; a missing or failing tool is not an error."""
    tool = shutil.which(cmd[0])
    if tool is None:
        return False
    try:
        done = subprocess.run([tool, *cmd[1:]], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _refresh_caches(base: Path, *, only_existing: bool = False) -> None:
    """Rebuild the MIME and desktop-entry caches (after an uninstall: only those that are
    still there, so a cache that only we made is not made again)."""
    apps, mime = base / "applications", base / "mime"
    if mime.is_dir() and (not only_existing or (mime / "mime.cache").exists()):
        _run("update-mime-database", str(mime))
    if apps.is_dir() and (not only_existing or (apps / "mimeinfo.cache").exists()):
        _run("update-desktop-database", "-q", str(apps))


def install(*, on_desktop: bool = False, executable: Path | None = None) -> list[Path]:
    """Install the launcher (replacing an earlier one); returns the files written."""
    if manifest_path().exists():
        uninstall()
    base = data_home()
    exe = executable or araz_executable()
    entry = desktop_entry(exe)
    m = Manifest()
    m.write(base / "applications" / f"{APP_ID}.desktop", entry)
    hicolor = base / "icons" / "hicolor"
    svg = icon_svg()
    m.write(hicolor / "scalable" / "apps" / f"{APP_ID}.svg", svg.read_bytes())
    for size in PNG_SIZES:
        out = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        m.make_dirs(out.parent)
        render_png(svg, size, out)
        m.write(out)
    m.write(base / "mime" / "packages" / f"{APP_ID}.xml", MIME_XML)
    if on_desktop:
        launcher = m.write(desktop_dir() / f"{APP_ID}.desktop", entry, mode=0o755)
        # GNOME (nautilus, desktop-icons) runs a desktop file only once it is trusted.
        _run("gio", "set", str(launcher), "metadata::trusted", "true")
    caches = [base / "applications" / "mimeinfo.cache", base / "mime" / "mime.cache"]
    new_caches = [c for c in caches if not c.exists()]
    _refresh_caches(base)
    m.files.extend(str(c) for c in new_caches if c.exists())  # made for us alone
    record = manifest_path()
    m.make_dirs(record.parent)
    m.files.append(str(record))  # the manifest lists itself
    record.write_text(
        json.dumps({"files": m.files, "dirs": m.dirs, "exec": str(exe)}, indent=1),
        encoding="utf-8",
    )
    return [Path(f) for f in m.files]


def _only_generated(folder: Path) -> bool:
    if folder.name == "mime":
        packages = folder / "packages"
        return not packages.exists() or not any(packages.iterdir())
    return all(p.is_file() and p.name in _GENERATED for p in folder.iterdir())


def uninstall() -> list[Path]:
    """Remove what :func:`install` wrote (per its manifest); returns the files removed."""
    path = manifest_path()
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    removed = []
    for name in data.get("files", []):
        file = Path(name)
        if file.is_file() or file.is_symlink():
            file.unlink()
            removed.append(file)
    created = [Path(d) for d in data.get("dirs", [])]
    for folder in sorted(created, key=lambda p: len(p.parts), reverse=True):
        if not folder.is_dir():
            continue
        if _only_generated(folder):
            shutil.rmtree(folder)  # only the caches the desktop's tools wrote for our files
        else:
            with contextlib.suppress(OSError):  # something else lives there now: keep it
                folder.rmdir()
    _refresh_caches(data_home(), only_existing=True)
    return removed


def command(*, desktop: bool = False, remove: bool = False) -> int:
    """The ``araz install-launcher`` sub-command."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        print("araz install-launcher: only freedesktop systems (Linux, BSD) are supported")
        return 2
    if remove:
        files = uninstall()
        print(f"removed {len(files)} files" if files else "no launcher installed")
        return 0
    try:
        files = install(on_desktop=desktop)
    except (OSError, ValueError) as exc:
        print(f"araz install-launcher: {exc}", file=sys.stderr)
        return 1
    print(f"installed {files[0]} (and {len(files) - 1} more files)")
    return 0
