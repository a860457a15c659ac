"""The cross-process write lock: exclusive, fair, and able to say who holds it.

Exclusion is a ``flock`` on the database's ``.d`` folder. A folder that holds the data
cannot be removed while it does, so deleting the lock file (a habit with "stale" lock
files) never lets a second writer in.

Fairness comes from a gate in front of it: the lock file itself. A writer takes the gate,
then the folder lock, then lets the gate go. At most one writer ever waits for the folder
lock, so a writer that has just finished cannot take it straight back while the others
sleep between tries (on a busy machine that starved one writer for 15 s).

The holder writes user@host, process and start time into the lock file, so a waiting
user is told who is writing; a waiter gives up only when one holder has kept the lock
for the whole timeout, not when it merely waited behind others who were making progress.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import random
import socket
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from tui.store.errors import LockTimeout
from tui.store.files import UnsafeFile, lstat_dir
from tui.store.ids import who

_INFO_SIZE = 512
_FREE = b"{}"
_NOFOLLOW = os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class Holder:
    who: str
    host: str
    pid: int
    since: str

    def stopped(self) -> bool:
        """Whether the holder is a stopped (ctrl+z) process on this machine."""
        if self.host != socket.gethostname():
            return False
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state in ("T", "t")

    def since_local(self) -> str:
        try:
            when = dt.datetime.fromisoformat(self.since).astimezone()
        except ValueError:
            return self.since
        return when.strftime("%d-%m-%Y %H:%M:%S")


def _open_lock_file(path: Path, mode: int) -> int:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode)
    except FileExistsError:
        try:
            fd = os.open(path, os.O_RDWR | _NOFOLLOW)
        except PermissionError:
            # Someone else's lock file, read-only to us: the gate works on a read-only
            # descriptor too; only the note of who holds the lock is left out.
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise UnsafeFile(path, stat.S_IFLNK) from None
            raise
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            raise UnsafeFile(path, st.st_mode) from None
        return fd
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafeFile(path, stat.S_IFLNK) from None
        raise
    with contextlib.suppress(PermissionError):
        os.fchmod(fd, mode)
    return fd


def _open_folder(folder: Path) -> int:
    lstat_dir(folder)
    return os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW)


def read_holder(fd: int) -> Holder | None:
    try:
        raw = os.pread(fd, _INFO_SIZE, 0)
        info = json.loads(raw.rstrip(b"\0 \n") or b"{}")
        return Holder(str(info["who"]), str(info["host"]), int(info["pid"]),
                      str(info["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class WriteLock:
    """One process's handle on a database's write lock (not re-entrant)."""

    def __init__(self, lock_path: Path, folder: Path, mode: int, timeout: float) -> None:
        self.lock_path = lock_path
        self.folder = folder
        self.mode = mode
        self.timeout = timeout
        self._gate: int | None = None
        self._main: int | None = None
        # Whether the holder before us left without letting go cleanly (it was killed):
        # then its temp files and any unfinished commit are ours to tidy up.
        self.previous_holder_died = False

    def acquire(self) -> None:
        gate = _open_lock_file(self.lock_path, self.mode)
        try:
            while True:
                main = _open_folder(self.folder)
                try:
                    self._wait(gate, main)
                except BaseException:
                    os.close(main)
                    raise
                if _same_folder(main, self.folder):
                    break
                # The folder was replaced while we waited (moved away and copied back):
                # the lock we got guards the old one. Take the new one's.
                fcntl.flock(main, fcntl.LOCK_UN)
                os.close(main)
        except BaseException:
            os.close(gate)
            raise
        self._gate, self._main = gate, main
        self.previous_holder_died = read_holder(gate) is not None
        info = json.dumps({"who": who(), "host": socket.gethostname(), "pid": os.getpid(),
                           "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
        self._write_info(info.encode())

    def still_held(self) -> bool:
        """Whether the lock still guards the database's folder (nobody swapped it)."""
        return self._main is not None and _same_folder(self._main, self.folder)

    def _wait(self, gate: int, main: int) -> None:
        watched: Holder | None = read_holder(gate)
        deadline = time.monotonic() + self.timeout
        pause = 0.0005
        have_gate = False
        try:
            while True:
                if not have_gate:
                    have_gate = _try(gate)
                if have_gate and _try(main):
                    return
                now = time.monotonic()
                holder = read_holder(gate)
                if holder != watched:
                    # Someone else got their turn: the queue moves, so keep waiting.
                    watched, deadline = holder, now + self.timeout
                elif now >= deadline:
                    raise LockTimeout(self.lock_path, self.timeout, holder)
                time.sleep(pause * random.uniform(0.5, 1.5))
                # The one writer at the gate looks often: the lock is its next.
                pause = min(pause * 2, 0.002 if have_gate else 0.02)
        finally:
            if have_gate:
                fcntl.flock(gate, fcntl.LOCK_UN)

    def _write_info(self, data: bytes) -> None:
        assert self._gate is not None
        with contextlib.suppress(OSError):
            os.pwrite(self._gate, data.ljust(_INFO_SIZE, b" "), 0)

    def release(self) -> None:
        if self._main is None or self._gate is None:
            return
        # Cleared before the lock goes: a holder found in the file by the next writer is
        # one that died holding the lock.
        self._write_info(_FREE)
        fcntl.flock(self._main, fcntl.LOCK_UN)
        os.close(self._main)
        os.close(self._gate)
        self._main = self._gate = None


def _same_folder(fd: int, folder: Path) -> bool:
    try:
        now = os.lstat(folder)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


def _try(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True
