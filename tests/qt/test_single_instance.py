"""One Araz per user: the local-socket hand-over, without a display (offscreen)."""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from araz.qt.single_instance import (
    InstanceServer,
    decode,
    encode,
    send_to_running,
    server_name,
)

ROOT = Path(__file__).resolve().parents[2]
ARAZ = Path(sys.executable).parent / "araz"


def unique_name() -> str:
    return f"araz-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def test_messages_round_trip(tmp_path):
    assert decode(encode(tmp_path / "a b.yaml")) == str(tmp_path / "a b.yaml")
    assert decode(encode("relative.yaml")) == os.path.abspath("relative.yaml")
    assert decode(encode(None)) is None
    assert decode(b"not json\n") is None
    assert decode(b'{"open": 3}\n') is None


def test_name_is_per_user(monkeypatch, tmp_path):
    monkeypatch.delenv("ARAZ_INSTANCE_NAME", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert server_name() == str(tmp_path / "araz-instance")
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    folder = tmp_path / "tmp" / f"araz-{os.getuid()}"
    assert server_name() == str(folder / "araz-instance")
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
    monkeypatch.setenv("ARAZ_INSTANCE_NAME", "x")
    assert server_name() == "x"


def test_nobody_listening(qapp):
    started = time.perf_counter()
    assert send_to_running("x.yaml", name=unique_name()) is False
    assert time.perf_counter() - started < 2


def test_another_process_hands_over_its_file(qapp, qtbot, tmp_path):
    name = unique_name()
    server = InstanceServer(name)
    assert server.listen()
    code = (
        "import sys; from araz.qt.single_instance import send_to_running; "
        "sys.exit(0 if send_to_running(sys.argv[1], name=sys.argv[2]) else 3)"
    )
    target = tmp_path / "ünïcode dir" / "data.yaml"
    with qtbot.waitSignal(server.messageReceived, timeout=10_000) as blocker:
        child = subprocess.Popen([sys.executable, "-c", code, str(target), name])
    assert child.wait(timeout=10) == 0
    assert blocker.args == [str(target)]
    # and a bare "raise"
    with qtbot.waitSignal(server.messageReceived, timeout=10_000) as blocker:
        child = subprocess.Popen(
            [sys.executable, "-c", code.replace("sys.argv[1]", "None"), "", name]
        )
    assert child.wait(timeout=10) == 0
    assert blocker.args == [""]
    server.close()


def test_stale_socket_is_replaced(qapp, tmp_path):
    path = str(tmp_path / "stale")
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(path)  # a crashed instance leaves its socket file behind
    dead.close()
    assert os.path.exists(path)
    assert send_to_running(None, name=path) is False
    server = InstanceServer(path)
    assert server.listen()
    server.close()


def test_second_listener_loses_the_race(qapp):
    name = unique_name()
    first, second = InstanceServer(name), InstanceServer(name)
    assert first.listen()
    assert not second.listen()
    assert first.is_listening()
    first.close()


@pytest.mark.gui
def test_second_araz_process_exits_and_the_first_opens_its_file(tmp_path):
    """Two real ``araz`` processes, offscreen: the second hands over its file, exits 0."""
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k not in ("ARAZ_INSTANCE_NAME", "DISPLAY")} | {
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
        "HOME": str(tmp_path),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    log = tmp_path / "first.log"
    with open(log, "wb") as out:
        first = subprocess.Popen(
            [str(ARAZ)], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        sock = runtime / "araz-instance"
        deadline = time.monotonic() + 60
        while not sock.exists():
            assert first.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "the first araz never listened"
            time.sleep(0.1)
        dataset = ROOT / "seeds" / "araz.yaml"
        started = time.perf_counter()
        second = subprocess.run(
            [str(ARAZ), str(dataset)], env=env, capture_output=True, text=True, timeout=30
        )
        assert second.returncode == 0, second.stderr
        assert time.perf_counter() - started < 10
        app_log = tmp_path / "state" / "araz" / "araz.log"
        deadline = time.monotonic() + 10
        expected = f"another launch asked to open {dataset}"
        while expected not in (app_log.read_text() if app_log.exists() else ""):
            assert time.monotonic() < deadline, app_log.read_text() if app_log.exists() else ""
            time.sleep(0.1)
        assert first.poll() is None  # the first one keeps running
    finally:
        os.killpg(first.pid, 15)
        try:
            first.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(first.pid, 9)
            first.wait()
