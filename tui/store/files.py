"""Durable file replacement: the only way Kuffert changes a file on disk.

A write goes to a temporary file in the same folder, is flushed and fsynced, renamed
over the old file, and the folder is fsynced so the rename itself survives a power cut.
A process killed at any point leaves either the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

PRIVATE = 0o600
SHARED = 0o660


def file_mode(path: Path, default: int) -> int:
    """Keep the mode of the file being replaced, so a shared database stays shared.

    Never more open than group read/write: personal data is not for everyone.
    """
    try:
        return stat.S_IMODE(os.stat(path).st_mode) & SHARED or default
    except FileNotFoundError:
        return default


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dir(folder: Path, mode: int) -> None:
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    # Folders need the execute bit wherever files have read.
    os.chmod(folder, 0o700 if mode == PRIVATE else 0o770)


def atomic_write(path: Path, data: bytes, mode: int = PRIVATE) -> None:
    mode = file_mode(path, mode)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        # The umask may have taken bits the shared mode asks for.
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def remove_stale_temp_files(folder: Path) -> None:
    """Temp files left by a killed writer hold nothing the real files lack."""
    if not folder.is_dir():
        return
    for tmp in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()
