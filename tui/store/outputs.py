"""Files a user asks Kuffert to write (``--out``, the export dialogs): never the database.

An output goes wherever the user points it, so before anything is written the path is
compared with the database's own files: the main file, the people file, the lock, the
database's ``.d`` folder (course files) and its backups. The comparison is made both by
resolved path and by device and inode, so a symlink, a second mount or a
``./x/../k.json`` spelling cannot slip one of them through. Only a regular file may be
replaced, and never through a symlink.

The content goes to a temp file beside the target with an unpredictable name, created
``O_EXCL|O_NOFOLLOW`` (in a shared folder a colleague cannot plant a link at the name
in advance), mode 0600, and is renamed into place once complete: a half-written output
never looks like a finished one, and a failed one leaves nothing behind.

Every message names the path as the user gave it, never the temp file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tui.i18n import Message, msg
from tui.store.errors import StoreError
from tui.store.files import fsync_dir, is_temp
from tui.store.layout import Layout

PRIVATE = 0o600
_CREATE = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
           | getattr(os, "O_CLOEXEC", 0))


class OutputRefused(StoreError):
    """An output that must not or cannot be written; the message names the user's path."""


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        # A symlink loop: compare the absolute spelling, the inode check still holds.
        return Path(os.path.abspath(path))


def _database_problem(path: Path, database: Layout, shown: str) -> Message | None:
    target = _resolved(path)
    target_id = _identity(path)
    # Paths inside the database's folder are refused below; a hard link elsewhere to
    # any of its files is the same file, found by its inode.
    owned = [database.main, database.lock, database.commit]
    if target_id is not None:
        owned += database.data_files()
    for own in owned:
        if (target_id is not None and target_id == _identity(own)) or (
                own in (database.main, database.lock, database.commit)
                and target == _resolved(own)):
            return msg("{path} is the database's own file {file}; Kuffert never writes an "
                       "export over its data. Choose a file outside the database.",
                       path=shown, file=str(own))
    if is_temp(path.name):
        # The next writer sweeps such names up as a killed writer's leftovers.
        return msg("{path} is named like one of Kuffert's temporary files, which are removed "
                   "without asking; choose another name.", path=shown)
    chain = [target, *target.parents]
    for folder in (database.folder, database.backups):
        inside, inside_id = _resolved(folder), _identity(folder)
        if any(step == inside or (inside_id is not None and _identity(step) == inside_id)
               for step in chain):
            return msg("{path} is inside the database's folder {folder}; Kuffert never "
                       "writes an export among its data or backups. Choose a file outside "
                       "it.", path=shown, folder=str(folder))
    return None


def output_problem(path: Path, *, database: Layout | None,
                   shown: str | None = None) -> Message | None:
    """Why ``path`` cannot be written as an output, in words; None if it may be tried.

    ``shown`` is the path as the user typed it (it defaults to ``path``); ``database``
    is the open database, whose files are refused.
    """
    path = Path(path)
    shown = str(path) if shown is None else shown
    if not str(path).strip():
        return msg("Give the name of the file to write.")
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        found = None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return msg("Kuffert could not write {path}: {reason}", path=shown, reason=reason)
    if found is not None:
        if stat.S_ISLNK(found.st_mode):
            return msg("{path} is a symbolic link; Kuffert does not write through links. "
                       "Choose another file.", path=shown)
        if stat.S_ISDIR(found.st_mode):
            return msg("{path} is a folder; --out names the file to write.", path=shown)
        if not stat.S_ISREG(found.st_mode):
            return msg("{path} is not an ordinary file (a device or a pipe); choose another "
                       "file.", path=shown)
    folder = path.parent
    if not folder.is_dir():
        return msg("The folder {folder} does not exist; create it or choose another --out.",
                   folder=str(folder))
    if database is not None:
        return _database_problem(path, database, shown)
    return None


def check_output(path: Path, *, database: Layout | None, shown: str | None = None) -> None:
    """Raise OutputRefused if ``path`` may not be written."""
    problem = output_problem(path, database=database, shown=shown)
    if problem is not None:
        raise OutputRefused(problem)


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")


def _cannot_write(shown: str, error: OSError) -> OutputRefused:
    return OutputRefused(msg("Kuffert could not write {path}: {reason}", path=shown,
                             reason=error.strerror or str(error)))


@contextlib.contextmanager
def private_output(path: Path, *, database: Layout | None,
                   shown: str | None = None) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``path``, mode 0600, only once fully written."""
    path = Path(path)
    shown = str(path) if shown is None else shown
    check_output(path, database=database, shown=shown)
    tmp = _temp_name(path)
    try:
        fd = os.open(tmp, _CREATE, PRIVATE)
    except OSError as error:
        raise _cannot_write(shown, error) from None
    try:
        with os.fdopen(fd, "wb") as stream:
            # os.open applies the umask; an export of names must end up exactly 0600.
            os.fchmod(fd, PRIVATE)
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        # Checked again: the target may have been swapped for a link while we wrote.
        check_output(path, database=database, shown=shown)
        os.replace(tmp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(error, OSError) and error.filename in (None, str(tmp)):
            # A write, fsync or rename of ours: say it of the user's path, not the temp.
            raise _cannot_write(shown, error) from None
        raise
    with contextlib.suppress(OSError):
        # So the rename survives a power cut; the content itself is already on disk.
        fsync_dir(path.parent)


def write_private(path: Path, data: bytes, *, database: Layout | None,
                  shown: str | None = None) -> None:
    with private_output(path, database=database, shown=shown) as stream:
        stream.write(data)

