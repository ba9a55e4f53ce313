"""Persistent settings (QSettings), versioned as Orange does: an older layout is migrated,
a corrupted one is reset with a message, never a crash at start-up."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1


def qsettings() -> QSettings:
    return QSettings()


def check(settings: QSettings | None = None) -> str | None:
    """Migrate or reset settings written by another version; return a message if reset."""
    s = settings or qsettings()
    raw = s.value("settings_version")
    try:
        version = int(raw) if raw is not None else (0 if s.allKeys() else SETTINGS_VERSION)
    except (TypeError, ValueError):
        version = -1
    if version == SETTINGS_VERSION:
        return None
    if version == 0:
        # 0.0.x kept the window geometry and the dataset at the top level
        for old, new in (("geometry", "window/geometry"), ("dataset", "data/last")):
            if s.contains(old):
                s.setValue(new, s.value(old))
                s.remove(old)
        s.setValue("settings_version", SETTINGS_VERSION)
        return None
    s.clear()
    s.setValue("settings_version", SETTINGS_VERSION)
    msg = f"Settings from an unknown version ({raw!r}) were reset."
    log.warning(msg)
    return msg


def reset() -> None:
    s = qsettings()
    s.clear()
    s.setValue("settings_version", SETTINGS_VERSION)
    s.sync()


def remember_dataset(path) -> None:
    s = qsettings()
    s.setValue("data/last", str(Path(path).resolve()))
    recent = [p for p in _list(s.value("data/recent")) if p != str(Path(path).resolve())]
    s.setValue("data/recent", json.dumps([str(Path(path).resolve()), *recent][:10]))


def last_dataset() -> Path | None:
    value = qsettings().value("data/last")
    if isinstance(value, str) and value and Path(value).is_file():
        return Path(value)
    return None


def recent_datasets() -> list[Path]:
    return [Path(p) for p in _list(qsettings().value("data/recent")) if Path(p).is_file()]


def _list(value) -> list[str]:
    try:
        out = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    return [x for x in out if isinstance(x, str)] if isinstance(out, list) else []


def save_window(window) -> None:
    s = qsettings()
    s.setValue("settings_version", SETTINGS_VERSION)
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/state", window.saveState(SETTINGS_VERSION))
    f = window.model.filter
    s.setValue(
        "filter",
        json.dumps(
            {
                "dataset": window.model.dataset.source,
                "actors": sorted(f.actors) if f.actors is not None else None,
                "categories": sorted(f.categories) if f.categories is not None else None,
                "certainties": sorted(f.certainties) if f.certainties is not None else None,
                "window": list(f.window) if f.window else None,
                "text": f.text,
                "actor_match": f.actor_match,
            }
        ),
    )
    s.setValue("timeline/lanes", window.model.lane_mode)
    s.sync()


def restore_window(window) -> None:
    s = qsettings()
    try:
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            window.restoreState(state, SETTINGS_VERSION)
        lanes = s.value("timeline/lanes")
        if lanes in ("actor", "category"):
            window.model.set_lane_mode(lanes)
        restore_filter(window.model, s.value("filter"))
    except Exception:  # settings are never worth a failed start
        log.exception("araz: could not restore the window; settings reset")
        reset()


def restore_filter(model, raw) -> None:
    from ..model import Filter
    from ..model.filter import ACTOR_MATCHES

    try:
        d = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return
    if not isinstance(d, dict):
        return
    # the meaning of the actor checks is a preference: it holds for any dataset
    match = d.get("actor_match")
    match = match if match in ACTOR_MATCHES else model.filter.actor_match
    if d.get("dataset") != model.dataset.source:
        model.set_filter(model.filter.replace(actor_match=match), record=False)
        return
    window = d.get("window")
    f = Filter(actor_match=match).replace(
        actors=_ids(d.get("actors"), model.dataset.actors),
        categories=_ids(d.get("categories")),
        certainties=_ids(d.get("certainties")),
        window=_time_window(window),
        text=d.get("text") if isinstance(d.get("text"), str) else "",
    )
    model.set_filter(f, record=False)


def _time_window(value) -> tuple[float, float] | None:
    """A saved time window: two finite day numbers, the first not after the second."""
    if value is None:
        return None
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(x, int | float) and not isinstance(x, bool) for x in value)
        and all(math.isfinite(x) for x in value)
        and value[0] <= value[1]
    )
    if not ok:
        log.warning("araz: saved time window %r is not valid; not restored", value)
        return None
    return float(value[0]), float(value[1])


def _ids(value, known=None):
    if not isinstance(value, list):
        return None
    return frozenset(v for v in value if isinstance(v, str) and (known is None or v in known))


# --- reading one setting: checked, or its default with a log line ---------------------


def _fallback(key: str, raw, default):
    log.warning("araz: setting %s=%r is not valid; using %r", key, raw, default)
    return default


def read_int(s: QSettings, key: str, default: int, lo: int, hi: int) -> int:
    """An integer in [lo, hi]."""
    raw = s.value(key, default)
    try:
        value = int(str(raw).strip()) if not isinstance(raw, bool) else None
    except ValueError:
        value = None
    return value if value is not None and lo <= value <= hi else _fallback(key, raw, default)


def read_choice(s: QSettings, key: str, default, choices):
    """One of ``choices`` (compared as text: QSettings files hold text)."""
    raw = s.value(key, default)
    for choice in choices:
        if str(raw) == str(choice):
            return choice
    return _fallback(key, raw, default)


def read_bool(s: QSettings, key: str, default: bool) -> bool:
    raw = s.value(key, default)
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    return _fallback(key, raw, default)


def read_folder(s: QSettings, key: str, default: Path) -> Path:
    """An existing folder."""
    raw = s.value(key)
    if raw is None:
        return default
    try:
        if isinstance(raw, str) and "\0" not in raw and Path(raw).is_dir():
            return Path(raw)
    except (OSError, ValueError):
        pass
    return _fallback(key, raw, default)
