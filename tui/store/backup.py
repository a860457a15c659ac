"""Automatic daily backups and restore.

A backup is a folder named by its time stamp holding copies of every data file. Before
the first write of each day Kuffert takes one and keeps the newest ``keep`` of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from tui.store.files import atomic_write, fsync_dir, make_dir
from tui.store.layout import Layout

_STAMP = "%Y-%m-%dT%H%M%S"


@dataclass(frozen=True)
class Backup:
    name: str
    path: Path
    taken: dt.datetime
    files: int
    size: int


def _relative_files(layout: Layout) -> list[Path]:
    root = layout.main.parent
    return [p.relative_to(root) for p in layout.data_files()]


def create(layout: Layout, *, mode: int, label: str = "") -> Path:
    stamp = dt.datetime.now().strftime(_STAMP)
    name = f"{stamp}-{label}" if label else stamp
    target = layout.backups / name
    suffix = 1
    while target.exists():
        suffix += 1
        target = layout.backups / f"{name}.{suffix}"
    make_dir(layout.backups, mode)
    staging = layout.backups / f".{target.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    root = layout.main.parent
    for rel in _relative_files(layout):
        dest = staging / rel
        make_dir(dest.parent, mode)
        atomic_write(dest, (root / rel).read_bytes(), mode)
    make_dir(staging, mode)
    # The folder appears under its real name only when complete.
    staging.rename(target)
    fsync_dir(layout.backups)
    return target


def list_backups(layout: Layout) -> list[Backup]:
    if not layout.backups.is_dir():
        return []
    found = []
    for folder in sorted(layout.backups.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        try:
            taken = dt.datetime.strptime(folder.name[:17], _STAMP)
        except ValueError:
            continue
        files = [p for p in folder.rglob("*.json") if p.is_file()]
        found.append(
            Backup(folder.name, folder, taken, len(files), sum(p.stat().st_size for p in files))
        )
    return found


def daily(layout: Layout, *, keep: int, mode: int) -> Path | None:
    today = dt.date.today()
    existing = list_backups(layout)
    if any(b.taken.date() == today for b in existing):
        return None
    made = create(layout, mode=mode)
    prune(layout, keep)
    return made


def prune(layout: Layout, keep: int) -> None:
    backups = list_backups(layout)
    for old in backups[: max(0, len(backups) - keep)]:
        shutil.rmtree(old.path, ignore_errors=True)


def find(layout: Layout, name: str) -> Backup | None:
    return next((b for b in list_backups(layout) if b.name == name), None)


def restore_files(layout: Layout, source: Backup, *, mode: int) -> None:
    """Copy a backup over the live files. The caller holds the write lock."""
    root = layout.main.parent
    wanted = {p.relative_to(source.path) for p in source.path.rglob("*.json")}
    for rel in sorted(wanted, key=lambda r: r == Path(layout.main.name)):
        dest = root / rel
        make_dir(dest.parent, mode)
        atomic_write(dest, (source.path / rel).read_bytes(), mode)
    # Course files created after the backup was taken do not belong to its state.
    for current in _relative_files(layout):
        if current not in wanted:
            with contextlib.suppress(FileNotFoundError):
                (root / current).unlink()
