"""The application's icon is loaded where a window can show it (a frame, a task bar, a
switcher), not when Araz draws offscreen (``--screenshot`` without a display, the
exports): there the SVG icon engine is not loaded for nothing."""

import subprocess
import sys

import pytest

from support import app_process_env

pytestmark = pytest.mark.gui

CHILD = (
    "from araz.qt.application import make_application\n"
    "app = make_application(['araz'])\n"
    "print(app.platformName(), app.windowIcon().isNull())\n"
)


@pytest.mark.parametrize(("platform", "has_icon"), [("offscreen", False), ("minimal", True)])
def test_the_icon_is_loaded_only_where_a_window_can_show_it(tmp_path, platform, has_icon):
    env = {**app_process_env(tmp_path), "QT_QPA_PLATFORM": platform}
    run = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr[-2000:]
    name, null = run.stdout.split()
    assert name == platform
    assert null == str(not has_icon)
