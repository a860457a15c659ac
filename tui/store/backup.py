"""Automatic daily backups.

A backup is a folder named by its time stamp holding copies of every data file. Before
the first write of each day Kuffert takes one and keeps the newest ``keep`` of them.

Every file is decoded before it is copied: a broken file is never backed up, so it can
never push the last good copy of itself out of the rotation (the day's backup is simply
not taken, and the older ones stay). Only regular files are read, without following
links and without blocking, so nothing planted in a shared folder is copied or waited on.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import secrets
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from tui.i18n import msg
from tui.store.errors import CorruptDatabase, StoreError
from tui.store.files import (
    UnsafeFile,
    fsync_dir,
    lstat_dir,
    make_dir,
    read_regular,
    real_folders,
    remove,
    set_dir_mode,
    write_temp,
)
from tui.store.layout import Layout

STAMP_FORMAT = "%Y-%m-%dT%H%M%S"
# Room kept free beyond the copy itself: a full disk stops every later save too.
_MARGIN = 16 * 1024 * 1024


@dataclass(frozen=True)
class Backup:
    name: str
    path: Path
    taken: dt.datetime
    files: int
    size: int

    @property
    def daily(self) -> bool:
        """Daily backups rotate; labelled ones (before a restore or a migration) are
        kept as long as the oldest daily backup."""
        return len(self.name) == 17


class NoRoom(StoreError):
    def __init__(self, folder: Path, needed: int, free: int) -> None:
        super().__init__(msg(
            "There is not room for a backup in {folder}: it needs {needed} MB and {free} MB "
            "are free. Nothing was saved. Free some space (or move old backups away) and "
            "try again.", folder=str(folder), needed=_mb(needed), free=_mb(free)))


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}"


def read_checked(layout: Layout) -> dict[Path, bytes]:
    """Every data file's bytes, by path relative to the database's folder; raises
    CorruptDatabase for the first that does not decode."""
    from tui.store.storage import decode_tables

    root = layout.main.parent
    contents: dict[Path, bytes] = {}
    for path in layout.data_files():
        found = read_regular(path)
        if found is None:
            continue  # removed by a writer since it was listed
        decode_tables(path, found[0])
        contents[path.relative_to(root)] = found[0]
    return contents


def create(layout: Layout, *, mode: int, label: str = "",
           contents: dict[Path, bytes] | None = None) -> Path:
    """A new backup folder; it appears under its name only when complete.

    Each backup owns its files, so a hand edit of a live file (an editor that writes in
    place) can never reach into a backup. A file unchanged since the newest backup (same
    inode, size and time as its manifest recorded) is hard-linked from that backup
    instead of copied: a day's backup of a national database costs the files changed
    that day, not 190 MB, and holds the lock for milliseconds. Every file that is copied
    is checked first. The caller holds the write lock.

    ``contents`` are copied as given: a restore keeps the state it replaces, broken or
    not.
    """
    make_dir(layout.backups, mode)
    if contents is not None:
        needed = sum(len(data) for data in contents.values())
    else:
        plan = _plan(layout)
        needed = sum(st.st_size for _path, _rel, st, linked in plan if linked is None)
    free = shutil.disk_usage(layout.backups).free
    if needed + _MARGIN > free:
        raise NoRoom(layout.backups, needed + _MARGIN, free)
    taken = dt.datetime.now().strftime(STAMP_FORMAT)
    name = f"{taken}-{label}" if label else taken
    # A name no one can have prepared: the backups folder may be group-writable.
    staging = layout.backups / f".{name}.{secrets.token_hex(8)}.partial"
    os.mkdir(staging, 0o700)
    try:
        if contents is not None:
            for rel, data in contents.items():
                _copy_in(staging / rel, data, mode)
        else:
            _snapshot_into(staging, plan, mode)
        for folder in folders(staging):
            fsync_dir(folder)
        set_dir_mode(staging, mode)
        target = free_name(layout.backups, name)
        os.rename(staging, target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        if error.errno == errno.ENOSPC:
            raise NoRoom(layout.backups, needed + _MARGIN,
                         shutil.disk_usage(layout.backups).free) from None
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fsync_dir(layout.backups)
    return target


def _copy_in(dest: Path, data: bytes, mode: int) -> None:
    make_dir(dest.parent, mode)
    os.replace(write_temp(dest.parent, dest.name, data, mode), dest)


MANIFEST = ".manifest"
Stamp = tuple[int, int, int]


def stamp(st: os.stat_result) -> Stamp:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


# Each data file: where it is, its path in the backup, its status, and the previous
# backup's copy to link to when it is unchanged since.
Plan = list[tuple[Path, str, os.stat_result, Path | None]]


def _plan(layout: Layout) -> Plan:
    previous, unchanged = newest_manifest(layout)
    root = layout.main.parent
    plan: Plan = []
    for path in layout.data_files():
        rel = str(path.relative_to(root))
        st = os.lstat(path)
        same = previous is not None and unchanged.get(rel) == stamp(st)
        plan.append((path, rel, st, previous / rel if same and previous else None))
    return plan


def _snapshot_into(staging: Path, plan: Plan, mode: int) -> None:
    from tui.store.storage import decode_tables

    manifest: dict[str, Stamp] = {}
    for path, rel, st, linked in plan:
        dest = staging / rel
        make_dir(dest.parent, mode)
        if linked is not None and link_into(linked, dest, staging.parent):
            manifest[rel] = stamp(st)
            continue
        found = read_regular(path)
        if found is None:
            continue  # removed by a writer since it was listed
        data, now = found
        decode_tables(path, data)
        _copy_in(dest, data, mode)
        manifest[rel] = stamp(now)
    temp = write_temp(staging, MANIFEST, json.dumps(manifest).encode(), mode)
    os.replace(temp, staging / MANIFEST)


def link_into(source: Path, dest: Path, backups: Path) -> bool:
    try:
        real_folders(source.parent, backups)
        st = os.lstat(source)
    except UnsafeFile:
        return False  # something planted in the older backup: copy instead
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    try:
        os.link(source, dest, follow_symlinks=False)
    except OSError as error:
        if error.errno in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            return False  # copied instead
        raise
    return True


def newest_manifest(layout: Layout, before: str | None = None,
                    ) -> tuple[Path | None, dict[str, Stamp]]:
    """The newest daily backup (older than the stamp ``before``), and what its manifest
    says the live files were then."""
    dailies = [name for name, _taken in names(layout)
               if len(name) == 17 and (before is None or name < before)]
    if not dailies:
        return None, {}
    newest = layout.backups / dailies[-1]
    try:
        found = read_regular(newest / MANIFEST)
    except UnsafeFile:
        found = None  # planted: then nothing is linked, everything copied and checked
    if found is None:
        return newest, {}
    try:
        manifest = json.loads(found[0])
        return newest, {str(k): (int(v[0]), int(v[1]), int(v[2]))
                        for k, v in manifest.items() if isinstance(v, list) and len(v) == 3}
    except (ValueError, AttributeError, TypeError):
        return newest, {}


def forget_manifest(folder: Path) -> None:
    """After a backup's files were rewritten (an erasure purged from them), the next
    backup must not link to them as copies of the live files."""
    remove(folder / MANIFEST)


def folders(top: Path) -> list[Path]:
    return [Path(folder) for folder, _dirs, _files in os.walk(top)]


def free_name(folder: Path, name: str) -> Path:
    target, suffix = folder / name, 1
    while os.path.lexists(target):
        suffix += 1
        target = folder / f"{name}.{suffix}"
    return target


def names(layout: Layout) -> list[tuple[str, dt.datetime]]:
    """The backups' names and times, oldest first, without looking inside them."""
    try:
        lstat_dir(layout.backups)
    except FileNotFoundError:
        return []
    found = []
    for entry in sorted(os.scandir(layout.backups), key=lambda e: e.name):
        if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            found.append((entry.name, dt.datetime.strptime(entry.name[:17], STAMP_FORMAT)))
        except ValueError:
            continue
    return found


def list_backups(layout: Layout, *, sizes: bool = True) -> list[Backup]:
    """Every backup, oldest first; ``sizes=False`` spares counting their files (2,300
    each at national scale) when only names and times are wanted."""
    found = []
    for name, taken in names(layout):
        path = layout.backups / name
        files = backup_files(path) if sizes else []
        found.append(Backup(name, path, taken, len(files),
                            sum(os.lstat(path / rel).st_size for rel in files)))
    return found


def backup_files(folder: Path) -> list[Path]:
    """The regular ``.json`` files of a backup, relative to it, where a backup keeps them
    (the main file, and below it the ``.d`` folder with the people file and ``courses``),
    found without following a single link."""
    found: list[Path] = []
    pending: list[tuple[Path, Path, int]] = [(folder, Path(), 0)]
    while pending:
        current, rel, depth = pending.pop()
        try:
            entries = list(os.scandir(current))
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if depth < 2 and not entry.name.startswith("."):
                    pending.append((Path(entry.path), rel / entry.name, depth + 1))
            elif entry.name.endswith(".json") and entry.is_file(follow_symlinks=False):
                found.append(rel / entry.name)
    return sorted(found)


def read_backup(source: Backup) -> dict[Path, bytes]:
    """A backup's files, by relative path; refuses anything that is not a regular file."""
    contents: dict[Path, bytes] = {}
    for rel in backup_files(source.path):
        path = source.path / rel
        real_folders(path.parent, source.path)
        found = read_regular(path)
        if found is None:
            continue
        if not stat.S_ISREG(found[1].st_mode):
            raise UnsafeFile(path, found[1].st_mode)
        contents[rel] = found[0]
    return contents


def daily(layout: Layout, *, keep: int, mode: int) -> Path | None:
    today = dt.date.today()
    if any(len(name) == 17 and taken.date() == today for name, taken in names(layout)):
        return None
    try:
        made = create(layout, mode=mode)
    except CorruptDatabase:
        # A broken file: no backup today, and none pushed out. The check says why.
        return None
    prune(layout, keep)
    return made


def to_prune(layout: Layout, keep: int) -> list[Backup]:
    backups = list_backups(layout, sizes=False)
    dailies = [b for b in backups if b.daily]
    kept = dailies[-keep:]
    oldest_kept = kept[0].taken if kept else None
    return [old for old in backups if old not in kept and (
        old.daily or (oldest_kept is not None and old.taken < oldest_kept))]


def prune(layout: Layout, keep: int) -> None:
    for old in to_prune(layout, keep):
        shutil.rmtree(old.path, ignore_errors=True)


def find(layout: Layout, name: str) -> Backup | None:
    return next((b for b in list_backups(layout) if b.name == name), None)
