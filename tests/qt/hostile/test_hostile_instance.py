"""Hostile surroundings of the single-instance socket: a squatted instance folder, a peer
of another user, two launches at once."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from files_support import (
    child_env,
    curated,
)

# ------------------------------------------------------------------ the single-instance socket


class Squatter:
    """Another user's listening sockets where Araz would put its own; records what it
    is sent."""

    def __init__(self, paths: list[Path]):
        import socket

        self.received: list[bytes] = []
        self.socks = []
        for p in paths:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(str(p))
            os.chmod(p, 0o777)
            s.listen(5)
            s.settimeout(0.2)
            self.socks.append(s)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            for s in self.socks:
                try:
                    conn, _ = s.accept()
                except OSError:
                    continue
                conn.settimeout(1)
                with contextlib.suppress(OSError):
                    self.received.append(conn.recv(65536))
                conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        for s in self.socks:
            s.close()


@pytest.fixture
def squatted_tmp(tmp_path, monkeypatch):
    """No XDG_RUNTIME_DIR; in the temporary folder another user got there first: a
    folder ``araz-<uid>`` anyone may use (and the old name, a bare socket)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir(mode=0o1777)
    os.chmod(tmp, 0o1777)
    uid = os.getuid()
    folder = tmp / f"araz-{uid}"
    folder.mkdir()
    os.chmod(folder, 0o777)
    squatter = Squatter([folder / "araz-instance", tmp / f"araz-instance-{uid}"])
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.delenv("ARAZ_INSTANCE_NAME", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr("tempfile.tempdir", str(tmp))
    yield tmp, folder, squatter
    squatter.close()


def test_a_squatted_instance_folder_is_not_used(squatted_tmp, monkeypatch):
    from araz.qt.single_instance import send_to_running, server_name

    tmp, folder, squatter = squatted_tmp
    assert server_name() is None  # others may use the folder
    os.chmod(folder, 0o700)
    os.chown(folder, 4242, 4242)  # another user's, private to them
    assert server_name() is None
    os.chown(folder, os.getuid(), os.getgid())
    assert server_name() == str(folder / "araz-instance")  # ours and private: fine
    os.chmod(folder, 0o777)
    link = tmp / "elsewhere"
    folder.rename(link)
    folder.symlink_to(link)  # a link to a folder: not accepted either
    assert server_name() is None
    assert send_to_running("/home/me/secret-plan.yaml") is False
    time.sleep(0.3)
    assert squatter.received == []


@pytest.mark.gui
def test_araz_file_with_a_squatter_opens_its_own_window(squatted_tmp, tmp_path):
    """``araz FILE`` must not hand FILE to the squatter and exit: it starts its own
    window (no hand-over), and the squatter learns nothing."""
    tmp, folder, squatter = squatted_tmp
    env = child_env() | {
        "TMPDIR": str(tmp),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
    }
    env.pop("XDG_RUNTIME_DIR", None)
    env.pop("ARAZ_INSTANCE_NAME", None)
    dataset = curated(tmp_path / "mine")
    child = subprocess.Popen(
        [sys.executable, "-m", "araz", str(dataset)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=6)  # still running: its own window
        assert squatter.received == []
        log = (tmp_path / "state" / "araz" / "araz.log").read_text()
        assert "not using" in log and str(folder) in log
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, 9)
        child.wait()


def test_a_server_ignores_a_peer_of_another_user(qapp, qtbot, tmp_path, monkeypatch):
    import araz.qt.single_instance as si

    name = str(tmp_path / "sock")
    server = si.InstanceServer(name)
    assert server.listen()
    got: list[str] = []
    server.messageReceived.connect(got.append)
    real = os.getuid()
    monkeypatch.setattr(si, "my_uid", lambda: real + 4242)  # everyone else is a stranger
    assert si.send_to_running("/x/a.yaml", name=name) is False  # the server is a stranger
    monkeypatch.setattr(si, "same_user", lambda sock, _real=si.same_user: True)
    assert si.send_to_running("/x/b.yaml", name=name) is True  # sent (client not checking)
    monkeypatch.undo()
    monkeypatch.setattr(si, "my_uid", lambda: real + 4242)
    qtbot.wait(500)
    assert got == []  # the server checked, and dropped it
    monkeypatch.undo()
    with qtbot.waitSignal(server.messageReceived, timeout=5000) as blocker:
        assert si.send_to_running("/x/c.yaml", name=name) is True
    assert blocker.args == ["/x/c.yaml"]
    server.close()


def test_two_launches_at_once_make_one_server(qapp, tmp_path):
    """The second listener loses even when it cannot see the first's socket (a launch
    racing another, between probe and listen): the lock decides."""
    from araz.qt.single_instance import InstanceServer

    name = str(tmp_path / "araz-instance")
    first, second = InstanceServer(name), InstanceServer(name)
    assert first.listen()
    os.unlink(name)  # the socket file gone, as seen by a racing launch
    assert not second.listen()
    assert not Path(name).exists()  # and it did not put its own socket there
    first.close()
    assert second.listen()  # the lock is free once the first is gone
    second.close()
