"""Files on hostile ground: the only way Kuffert creates, reads or replaces a file.

A database may live in a folder that every member of a group can write to, so any of
them can plant a symlink, a FIFO or a file at a name Kuffert is about to use. Hence:
- a new file is always created with ``O_CREAT|O_EXCL|O_NOFOLLOW`` under a random name,
  so a planted name is never written through;
- a file is read with ``O_NOFOLLOW|O_NONBLOCK`` and must be a regular file, so a symlink
  cannot copy someone's private file into the database and a FIFO cannot hang a reader;
- a replacement goes to such a temp file in the same folder, is fsynced and renamed
  over the old file, and the folder is fsynced: a crash leaves the old file or the new.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from tui.i18n import Message, msg
from tui.store.errors import StoreError

PRIVATE = 0o600
SHARED = 0o660
# Temp files end so, and only such files are ever swept up as a killed writer's leftovers.
TEMP_SUFFIX = ".kuffert-tmp"

_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_CREATE_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                 | getattr(os, "O_CLOEXEC", 0))


def kind_of(mode: int) -> Message:
    if stat.S_ISLNK(mode):
        return msg("a symbolic link")
    if stat.S_ISFIFO(mode):
        return msg("a named pipe (FIFO)")
    if stat.S_ISDIR(mode):
        return msg("a folder")
    if stat.S_ISSOCK(mode):
        return msg("a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return msg("a device")
    return msg("not a regular file")


class UnsafeFile(StoreError):
    """Something other than a regular file sits where Kuffert keeps or writes data."""

    def __init__(self, path: Path, mode: int) -> None:
        super().__init__(msg(
            "{path} is {kind}, not a regular file. Kuffert neither reads nor writes "
            "through it; remove it (someone may have planted it) and try again.",
            path=str(path), kind=kind_of(mode)))
        self.path = path


class DiskFull(StoreError):
    def __init__(self, folder: Path) -> None:
        super().__init__(msg("The disk holding {folder} is full (or your quota is used "
                             "up). Nothing was saved; free some space and try again.",
                             folder=str(folder)))


def lstat_regular(path: Path) -> os.stat_result | None:
    """The file's status without following a link; None when nothing is there."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFile(path, st.st_mode)
    return st


def _open_regular(path: Path) -> tuple[int, os.stat_result] | None:
    """A regular file opened for reading, and its status; None when nothing is there. A
    link is never followed and a FIFO never blocks: either is refused. The caller closes
    the file."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafeFile(path, stat.S_IFLNK) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(path, st.st_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_regular(path: Path) -> tuple[bytes, os.stat_result] | None:
    """A regular file's bytes and status, or None when it does not exist."""
    opened = _open_regular(path)
    if opened is None:
        return None
    fd, st = opened
    try:
        chunks = []
        while chunk := os.read(fd, max(st.st_size, 1 << 16)):
            chunks.append(chunk)
        return b"".join(chunks), st
    finally:
        os.close(fd)


def read_head(path: Path, size: int) -> bytes | None:
    """The first ``size`` bytes of a regular file (safely, as ``read_regular``), or None
    when it does not exist."""
    opened = _open_regular(path)
    if opened is None:
        return None
    try:
        return os.pread(opened[0], size, 0)
    finally:
        os.close(opened[0])


def file_mode(path: Path, default: int) -> int:
    """Keep the mode of the file being replaced, so a shared database stays shared.

    Never more open than group read/write: personal data is not for everyone.
    """
    try:
        return stat.S_IMODE(os.lstat(path).st_mode) & SHARED or default
    except FileNotFoundError:
        return default


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dir(folder: Path, mode: int) -> None:
    """Create ``folder`` and its missing parents, each with the database's mode.

    Shared folders are 2770 with the group of the folder above: the setgid bit makes
    every file created in them belong to that group, whoever of its members writes.
    """
    missing: list[Path] = []
    level = folder
    while True:
        try:
            st = os.lstat(level)
        except FileNotFoundError:
            missing.append(level)
            level = level.parent
            continue
        if not stat.S_ISDIR(st.st_mode):
            raise UnsafeFile(level, st.st_mode)
        break
    for new in reversed(missing):
        try:
            os.mkdir(new, 0o700)
        except FileExistsError:
            lstat_dir(new)
            continue
        set_dir_mode(new, mode)


def real_folders(folder: Path, root: Path) -> None:
    """Every folder below ``root`` down to ``folder`` is a folder, not a link to one.

    ``O_NOFOLLOW`` guards only the last part of a path: a link planted as the database's
    ``.d`` or ``courses`` folder (or inside a backup) would send reads, deletes and the
    sweep of temp files somewhere else. ``root`` is the folder the user chose, trusted.
    """
    # With strings, not pathlib: a report checks this for each of 2,000 course files.
    top, below = os.fspath(root), os.fspath(folder)
    if below == top:
        return
    if not below.startswith(top.rstrip(os.sep) + os.sep):
        raise UnsafeFile(folder, stat.S_IFLNK)
    current = top.rstrip(os.sep)
    for part in below[len(current) + 1:].split(os.sep):
        if not part:
            continue
        current = current + os.sep + part
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            return  # nothing below it exists either
        if not stat.S_ISDIR(st.st_mode):
            raise UnsafeFile(Path(current), st.st_mode)


def lstat_dir(folder: Path) -> os.stat_result:
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeFile(folder, st.st_mode)
    return st


def set_dir_mode(folder: Path, mode: int) -> None:
    if mode == PRIVATE:
        os.chmod(folder, 0o700)
        return
    group = os.lstat(folder.parent).st_gid
    with contextlib.suppress(PermissionError):
        os.chown(folder, -1, group)
    os.chmod(folder, 0o2770)


def create_temp(folder: Path, name: str, mode: int) -> tuple[int, Path]:
    """A new, empty file beside ``name`` that no one else can have prepared."""
    while True:
        path = folder / f".{name}.{secrets.token_hex(8)}{TEMP_SUFFIX}"
        try:
            fd = os.open(path, _CREATE_FLAGS, mode)
        except FileExistsError:
            continue
        break
    try:
        # The umask may have taken bits the shared mode asks for; the folder's group is
        # the database's group even where the folder lacks the setgid bit.
        os.fchmod(fd, mode)
        if mode != PRIVATE:
            with contextlib.suppress(PermissionError):
                os.fchown(fd, -1, os.lstat(folder).st_gid)
    except BaseException:
        os.close(fd)
        remove(path)
        raise
    return fd, path


def write_temp(folder: Path, name: str, data: bytes, mode: int) -> Path:
    """``data`` in a durable temp file beside ``name``: the first half of a replace."""
    fd, path = create_temp(folder, name, mode)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException as error:
        os.close(fd)
        remove(path)
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull(folder) from None
        raise
    os.close(fd)
    return path


def replace(temp: Path, path: Path) -> None:
    """Rename a prepared temp file over ``path``; never over a planted link or FIFO."""
    lstat_regular(path)
    os.replace(temp, path)


def atomic_write(path: Path, data: bytes, mode: int = PRIVATE) -> None:
    mode = file_mode(path, mode)
    temp = write_temp(path.parent, path.name, data, mode)
    try:
        replace(temp, path)
    except BaseException:
        remove(temp)
        raise
    fsync_dir(path.parent)


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def remove_stale_temp_files(folder: Path, prefixes: tuple[str, ...] = (".",)) -> int:
    """Temp files left by a killed writer hold nothing the real files lack.

    Only safe while holding the write lock: no live writer has a temp file then. In a
    folder shared with other files (the one the user chose) ``prefixes`` name this
    database's own temp files, so another database's live ones beside it are left alone.
    """
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        return 0
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeFile(folder, st.st_mode)
    removed = 0
    for name in os.listdir(folder):
        if is_temp(name) and name.startswith(prefixes):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
                removed += 1
    return removed
