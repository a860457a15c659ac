"""The day's backup, taken beside the day's first change instead of inside it.

Before, the day's first write made the whole backup while holding the lock: 2,300
files of a national database linked or copied, 200 ms to 4 s, with every other writer
waiting. Now that write only starts it:

1. Under the lock, before the day's first change, an empty folder
   ``kuffert.backups/.pending-STAMP`` is made. From then on the backup is the state the
   database had at that moment.
2. Every writer, before it renames a file over an old one or deletes it, hard-links the
   old file into each pending folder (unless one is there already), and marks a file it
   creates as new (``.new/PATH``). Links are all it costs: a few microseconds a file.
   Files are only ever replaced by rename, so a link keeps the old content as it was.
3. Afterwards, in the background and without the lock, the backup is finished: every
   other file is linked in (from the previous backup when it is unchanged since, else
   from the live file, which is then still as it was, or a writer would have linked it
   first; of two links to one name the second fails, so racing a writer is harmless),
   then each file not from the previous backup is checked and, while it is still the
   live file, copied so that the backup owns it; finally it is renamed to its name.
   A broken file ends it: no backup today, and none pushed out of the rotation.

A Kuffert stopped before finishing leaves the pending folder; the next one finishes it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

from tui.i18n import msg
from tui.store import backup
from tui.store.errors import CorruptDatabase, StoreError
from tui.store.files import (
    UnsafeFile,
    fsync_dir,
    lstat_dir,
    make_dir,
    read_regular,
    real_folders,
    set_dir_mode,
    write_temp,
)
from tui.store.layout import Layout

PENDING = ".pending-"
_NEW = ".new"
_TRASH = ".trash-"


def pendings(layout: Layout) -> list[Path]:
    """The backups being taken, oldest first."""
    try:
        lstat_dir(layout.backups)
        names = os.listdir(layout.backups)
    except (FileNotFoundError, UnsafeFile, NotADirectoryError):
        return []
    found = []
    for name in sorted(names):
        path = layout.backups / name
        if name.startswith(PENDING):
            with contextlib.suppress(OSError):
                if stat.S_ISDIR(os.lstat(path).st_mode):
                    found.append(path)
    return found


def _stamp_of(pending: Path) -> str:
    return pending.name[len(PENDING):len(PENDING) + 17]


def begin(layout: Layout, mode: int) -> bool:
    """Start the day's backup, unless it is taken or being taken; under the write lock,
    before the day's first change. True when one is pending (started now or before)."""
    today = dt.date.today()
    if any(len(name) == 17 and taken.date() == today for name, taken in backup.names(layout)):
        return bool(pendings(layout))
    if any(_stamp_of(p)[:10] == today.isoformat() for p in pendings(layout)):
        return True
    make_dir(layout.backups, mode)
    stamp = dt.datetime.now().strftime(backup.STAMP_FORMAT)
    pending = layout.backups / f"{PENDING}{stamp}.{secrets.token_hex(4)}"
    os.mkdir(pending, 0o700)
    set_dir_mode(pending, mode)
    fsync_dir(layout.backups)
    return True


def protect(layout: Layout, paths: list[Path], mode: int) -> None:
    """Before a change replaces or deletes ``paths`` (or creates them): keep what each
    pending backup needs of them. Called by every writer, under the lock."""
    found = pendings(layout)
    if not found:
        return
    root = layout.main.parent
    for pending in found:
        for path in paths:
            rel = path.relative_to(root)
            dest, new = pending / rel, pending / _NEW / rel
            if os.path.lexists(dest) or os.path.lexists(new):
                continue
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                st = None
            if st is not None and stat.S_ISREG(st.st_mode):
                make_dir(dest.parent, mode)
                with contextlib.suppress(FileExistsError):
                    os.link(path, dest, follow_symlinks=False)
            elif st is None:
                # Created by this change: it was not there when the backup began.
                make_dir(new.parent, mode)
                with contextlib.suppress(FileExistsError):
                    fd = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                                 mode)
                    os.fchmod(fd, mode)
                    os.close(fd)


class Finisher:
    """Finishes pending backups in a process of its own (one a database at a time): no
    thread of this one competes with the next marks for the interpreter, and a command
    that is done exits at once while the backup is finished."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self.problem: StoreError | None = None

    def start(self, layout: Layout, mode: int, keep: int) -> None:
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                return
            if self._thread is not None and self._thread.is_alive():
                return
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", __name__, os.fspath(layout.main), str(mode),
                     str(keep)],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, close_fds=True, start_new_session=True)
                _running.append(self._process)
            except OSError:
                # No interpreter to start (a frozen build): a thread of this process.
                self._thread = threading.Thread(target=self._run, args=(layout, mode, keep),
                                                name="kuffert-backup")
                self._thread.start()
                _running.append(self._thread)

    def _run(self, layout: Layout, mode: int, keep: int) -> None:
        try:
            finish_all(layout, mode, keep)
        except StoreError as problem:
            self.problem = problem
        except OSError as error:
            self.problem = StoreError(msg(
                "The day's backup could not be finished: {reason}. Nothing was lost; the "
                "next change tries again.", reason=error.strerror or str(error)))

    def wait(self) -> None:
        if self._process is not None:
            self._process.wait()
        if self._thread is not None:
            self._thread.join()


_running: list[subprocess.Popen[bytes] | threading.Thread] = []


def settle() -> None:
    """Wait for every backup this process set finishing (tests, and before a restore)."""
    while _running:
        done = _running.pop()
        if isinstance(done, threading.Thread):
            done.join()
        else:
            done.wait()


def finish_all(layout: Layout, mode: int, keep: int) -> list[Path]:
    made = []
    for pending in pendings(layout):
        done = finish(layout, pending, mode)
        if done is not None:
            made.append(done)
    if made:
        prune(layout, keep)
    return made


def finish(layout: Layout, pending: Path, mode: int) -> Path | None:
    """Make the pending backup whole and give it its name; None when another process is
    finishing it, or a file is broken (then the pending backup is dropped)."""
    try:
        fd = os.open(pending, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        if not os.path.lexists(pending):
            return None  # finished by another process just now
        try:
            return _finish(layout, pending, mode)
        except CorruptDatabase:
            shutil.rmtree(pending, ignore_errors=True)
            return None
    finally:
        os.close(fd)


def _finish(layout: Layout, pending: Path, mode: int) -> Path:
    root = layout.main.parent
    stamp = _stamp_of(pending)
    previous, unchanged = backup.newest_manifest(layout, before=stamp)
    manifest: dict[str, backup.Stamp] = {}
    from_previous: set[str] = set()
    # Everything not linked in by a writer is as it was when the backup began.
    for path in layout.data_files():
        rel = str(path.relative_to(root))
        dest = pending / rel
        if os.path.lexists(dest) or os.path.lexists(pending / _NEW / rel):
            continue
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue  # a change deleted it, and linked it in first
        make_dir(dest.parent, mode)
        if (previous is not None and unchanged.get(rel) == backup.stamp(st)
                and _link(previous / rel, dest, layout.backups)):
            from_previous.add(rel)
            manifest[rel] = backup.stamp(st)
            continue
        with contextlib.suppress(FileExistsError, FileNotFoundError):
            os.link(path, dest, follow_symlinks=False)
    # Each file is checked, and owned by the backup: none may share the live file, which
    # an editor could change in place.
    from tui.store.storage import decode_tables

    for rel in backup.backup_files(pending):
        key = str(rel)
        if key in from_previous:
            continue
        dest = pending / rel
        real_folders(dest.parent, pending)
        found = read_regular(dest)
        if found is None:
            continue
        data, st = found
        manifest[key] = backup.stamp(st)
        if previous is not None and unchanged.get(key) == backup.stamp(st):
            # Kept by a writer, and unchanged since the previous backup: share its copy.
            spare = dest.with_name(f".{dest.name}.{secrets.token_hex(8)}.link")
            if backup.link_into(previous / rel, spare, layout.backups):
                os.replace(spare, dest)
                continue
        decode_tables(root / rel, data)
        live = root / rel
        with contextlib.suppress(FileNotFoundError):
            if os.lstat(live).st_ino == st.st_ino:
                os.replace(write_temp(dest.parent, dest.name, data, mode), dest)
    temp = write_temp(pending, backup.MANIFEST, json.dumps(manifest).encode(), mode)
    os.replace(temp, pending / backup.MANIFEST)
    for folder in backup.folders(pending):
        if folder != pending:
            set_dir_mode(folder, mode)
        fsync_dir(folder)
    set_dir_mode(pending, mode)
    target = backup.free_name(layout.backups, stamp)
    os.rename(pending, target)
    fsync_dir(layout.backups)
    # The marks of files made since it began are kept until now: a writer consults
    # them while the folder is pending (and a backup's listing skips hidden folders).
    shutil.rmtree(target / _NEW, ignore_errors=True)
    return target


def _link(source: Path, dest: Path, backups: Path) -> bool:
    try:
        return backup.link_into(source, dest, backups)
    except OSError as error:
        if error.errno == errno.EEXIST:
            return True  # a writer linked the same content in meanwhile
        raise


def prune(layout: Layout, keep: int) -> None:
    """Old backups leave by a rename first (one step, so that a restore reading the
    backups never meets half of one), then are removed."""
    for old in backup.to_prune(layout, keep):
        trash = layout.backups / f"{_TRASH}{secrets.token_hex(8)}"
        with contextlib.suppress(OSError):
            os.rename(old.path, trash)
            shutil.rmtree(trash, ignore_errors=True)


if __name__ == "__main__":  # the process Finisher starts: MAIN_FILE MODE KEEP
    # After the marks that follow the day's first one, and behind them for the processor:
    # the backup is wanted today, not this millisecond.
    with contextlib.suppress(OSError):
        os.nice(10)
    time.sleep(1.0)
    try:
        finish_all(Layout(Path(sys.argv[1])), int(sys.argv[2], 0), int(sys.argv[3]))
    except (StoreError, OSError):
        sys.exit(1)  # no backup today; ``kuffert check`` says so, and the next tries
