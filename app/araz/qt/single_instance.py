"""One Araz per user: a second launch hands its file to the running window and exits.

The first instance listens on a local socket (:class:`InstanceServer`, a QLocalServer);
a later launch connects (:func:`send_to_running`), writes one JSON line, ``{"open": PATH}``
or ``{"raise": true}``, and exits 0.  A socket left behind by a crashed instance is
noticed (nobody answers) and removed before listening.

The socket lives in a folder only this user can enter: ``$XDG_RUNTIME_DIR`` when it is
private (a folder of the user's, mode 0700), else ``araz-<uid>`` in the temporary folder,
made 0700 here.  A folder found there that is not the user's own and private (another
user made it first, or a link) is not used: Araz then runs without the hand-over rather
than send paths to, or take them from, someone else.  And each side checks who is at the
other end of the socket (SO_PEERCRED, Linux) before it sends or accepts a path.  On
Windows the name is ``araz-instance-<user>``.  ``ARAZ_INSTANCE_NAME`` overrides the name
(tests).  None of this needs a window or a display.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import logging
import os
import socket as pysocket
import stat
import struct
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 500
WRITE_TIMEOUT_MS = 2000


def my_uid() -> int | None:
    return os.getuid() if hasattr(os, "getuid") else None


def private_folder(folder: Path) -> str | None:
    """Why ``folder`` is not a private folder of this user's, or None when it is."""
    try:
        st = os.lstat(folder)
    except OSError as exc:
        return exc.strerror or str(exc)
    if stat.S_ISLNK(st.st_mode):
        return "it is a link"
    if not stat.S_ISDIR(st.st_mode):
        return "it is not a folder"
    if st.st_uid != my_uid():
        return f"it belongs to another user (uid {st.st_uid})"
    if st.st_mode & 0o077:
        return f"others may use it (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def instance_folder() -> Path | None:
    """Where the socket goes: a folder only this user can use, or None (then no
    hand-over: see the module's docstring)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isabs(runtime) and private_folder(Path(runtime)) is None:
        return Path(runtime)
    folder = Path(tempfile.gettempdir()) / f"araz-{my_uid()}"
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass  # ours from before, or a squatter's: checked below
    except OSError as exc:
        log.warning("araz: cannot make %s (%s): one Araz per window", folder, exc.strerror)
        return None
    why = private_folder(folder)
    if why is not None:
        log.warning("araz: not using %s for the single instance: %s", folder, why)
        return None
    return folder


def server_name() -> str | None:
    """The local socket's name, or None when there is no safe place for it."""
    override = os.environ.get("ARAZ_INSTANCE_NAME")
    if override:
        return override
    if my_uid() is not None:
        folder = instance_folder()
        return None if folder is None else str(folder / "araz-instance")
    try:
        user = getpass.getuser()
    except Exception:  # no user name at all: one shared name is still better than none
        user = "user"
    return f"araz-instance-{user}"


def peer_uid(socket: QLocalSocket) -> int | None:
    """The user id of the process at the other end of a connected local socket (Linux:
    SO_PEERCRED), or None where the system does not say."""
    fd = int(socket.socketDescriptor())
    option = getattr(pysocket, "SO_PEERCRED", None)
    if fd < 0 or option is None:
        return None
    try:
        dup = pysocket.fromfd(fd, pysocket.AF_UNIX, pysocket.SOCK_STREAM)  # a copy of fd
        try:
            creds = dup.getsockopt(pysocket.SOL_SOCKET, option, struct.calcsize("3i"))
        finally:
            dup.close()
    except OSError:
        return None
    return struct.unpack("3i", creds)[1]


def same_user(socket: QLocalSocket) -> bool:
    """Whether the other end runs as this user (True where that cannot be asked: the
    private folder is then the only guard)."""
    uid = my_uid()
    if uid is None or getattr(pysocket, "SO_PEERCRED", None) is None:
        return True
    peer = peer_uid(socket)
    if peer != uid:
        log.warning(
            "araz: the other end of %s is uid %s, not us: ignored", socket.serverName(), peer
        )
        return False
    return True


def encode(path: str | os.PathLike | None) -> bytes:
    """The message a launch sends: open this file (made absolute here), or just raise."""
    body = {"open": os.path.abspath(os.fspath(path))} if path else {"raise": True}
    return json.dumps(body, ensure_ascii=False).encode() + b"\n"


def decode(data: bytes) -> str | None:
    """The path to open from a message, or None (raise only, or a malformed message)."""
    try:
        body = json.loads(data.decode("utf-8", "replace").strip() or "{}")
    except ValueError:
        return None
    value = body.get("open") if isinstance(body, dict) else None
    return value if isinstance(value, str) and value else None


def send_to_running(path: str | os.PathLike | None = None, name: str | None = None) -> bool:
    """Hand ``path`` (or a request to raise) to a running instance of this user's;
    False if there is none."""
    name = name or server_name()
    if name is None:
        return False
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    if not same_user(socket):
        socket.abort()
        return False
    socket.write(encode(path))
    ok = socket.waitForBytesWritten(WRITE_TIMEOUT_MS)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(WRITE_TIMEOUT_MS)
    return ok


class InstanceServer(QObject):
    """Listens for later launches; emits ``messageReceived(path)`` ("" to only raise)."""

    messageReceived = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}
        self._lock: int | None = None  # descriptor of the held lock file

    def _take_lock(self) -> bool:
        """Hold ``<name>.lock`` (beside the socket, in the private folder) for as long as
        this server lives: of two launches at the same moment only one listens, and a
        socket file whose lock is free is stale.  True where there is no such lock
        (Windows, a bare name)."""
        try:
            import fcntl
        except ImportError:
            return True
        if not os.path.isabs(self.name):
            return True
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
        try:
            fd = os.open(self.name + ".lock", flags, 0o600)
        except OSError as exc:
            log.warning("araz: cannot open %s.lock: %s", self.name, exc.strerror)
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)  # another instance holds it
            return False
        self._lock = fd
        return True

    def _release_lock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # releases the flock
            self._lock = None

    def listen(self) -> bool:
        """Start listening; a stale socket (nobody answers on it) is removed first.

        Returns False when another instance holds the lock or answers on the name.  (Qt
        binds a user-only socket beside the name and renames it into place, which would
        replace a live instance's socket: so ask first.)
        """
        if not self._take_lock():
            return False
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(CONNECT_TIMEOUT_MS):
            probe.disconnectFromServer()
            self._release_lock()
            return False
        QLocalServer.removeServer(self.name)
        if self._server.listen(self.name):
            return True
        log.warning("araz: cannot listen on %s: %s", self.name, self._server.errorString())
        self._release_lock()
        return False

    def is_listening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        for socket in list(self._buffers):
            self._forget(socket)
        self._server.close()
        self._release_lock()

    def _forget(self, socket: QLocalSocket) -> None:
        """Stop listening to a connection and let Qt delete it (no calls back into us
        while it is torn down)."""
        self._buffers.pop(socket, None)
        for signal in (socket.readyRead, socket.disconnected):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect()
        socket.deleteLater()

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if not same_user(socket):
                socket.abort()
                socket.deleteLater()
                continue
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._on_disconnected(s))
            if socket.bytesAvailable():
                self._on_ready_read(socket)

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        if socket not in self._buffers:
            return
        data = self._buffers[socket] + bytes(socket.readAll().data())
        self._buffers[socket] = data
        if b"\n" in data:
            self._finish(socket)

    def _on_disconnected(self, socket: QLocalSocket) -> None:
        if socket in self._buffers:
            self._buffers[socket] += bytes(socket.readAll().data())
            self._finish(socket)

    def _finish(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"")
        self._forget(socket)
        line = data.split(b"\n", 1)[0]
        if len(line) > 64 * 1024:
            return
        self.messageReceived.emit(decode(line) or "")


def raise_window(window) -> None:
    """Bring the window to the front (un-minimised) on the current desktop."""
    from PySide6.QtCore import Qt

    if window.windowState() & Qt.WindowState.WindowMinimized:
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()


def attach(window, server: InstanceServer) -> None:
    """Route later launches to this window: raise it, open the file they were given."""

    def on_message(path: str) -> None:
        log.info("araz: another launch asked to %s", f"open {path}" if path else "raise")
        raise_window(window)
        if path:
            window.open_path(Path(path))

    server.messageReceived.connect(on_message)
