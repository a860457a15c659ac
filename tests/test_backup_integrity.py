"""Backups that keep a good copy: a broken file is never backed up, so it can never push
the last good copy of itself out; a backup that does not fit leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_kuffert
from tui.domain.courses import Course, Enrolment, Mark, Session
from tui.domain.people import Person, Qualification, Role
from tui.domain.programmes import Programme
from tui.store import backup
from tui.store.backup import NoRoom
from tui.store.daily_backup import settle
from tui.store.files import DiskFull
from tui.store.store import Store


def _db(db: Path, keep: int = 2) -> Store:
    store = Store.open(db, backups_keep=keep)
    with store.transaction():
        store.programmes.add(Programme(id="prog", name="Initiativ 3"))
        store.people.add(Person(id="p1", name="Naja Lynge", role=Role.LEADER,
                                qualification=Qualification.PEDAGOGUE))
        for cid in ("c1", "c2"):
            store.courses.add(Course(id=cid, programme_id="prog", name=cid))
            store.sessions(cid).add(Session(id=f"{cid}d1", course_id=cid,
                                            date=dt.date(2021, 8, 16)))
            store.enrolments(cid).add(Enrolment(id=f"{cid}p1", course_id=cid,
                                                person_id="p1"))
            # Marked once already (the day is held), as a course under way is.
            store.mark(cid, f"{cid}d1", "p1", Mark.PRESENT)
    return store


def _age_backups(store: Store, days: int) -> None:
    """Make every backup look ``days`` older, as if the days had passed."""
    for found in backup.list_backups(store.db.layout):
        older = found.taken - dt.timedelta(days=days)
        found.path.rename(found.path.with_name(older.strftime("%Y-%m-%dT%H%M%S")))


def test_a_broken_course_file_never_pushes_out_its_last_good_backup(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    store = _db(db, keep=2)
    Store.open(db).mark("c1", "c1d1", "p1", Mark.PRESENT)  # the first backup: all sound
    settle()  # the day's backup is finished beside the work
    good = backup.list_backups(store.db.layout)
    assert len(good) == 1
    broken = store.db.layout.course("c2")
    broken.write_text('{"sessions": {"c2d1": {"course_id": ')  # a hand edit gone wrong
    for day in range(5):  # five more days of work on the sound course
        _age_backups(store, 1)
        later = Store.open(db, backups_keep=2)
        later.mark("c1", "c1d1", "p1", Mark.ABSENT if day % 2 else Mark.PRESENT)
        settle()
    kept = backup.list_backups(store.db.layout)
    assert len(kept) == 1, [b.name for b in kept]  # no backup of the broken state
    assert b'"c2d1"' in (kept[0].path / "k.d" / "courses" / "c2.json").read_bytes()
    result = run_kuffert("check", db=db)
    assert result.returncode == 1 and "c2.json" in result.stderr

    # Once it is repaired (here: restored), daily backups go on again.
    assert run_kuffert("restore", kept[0].name, "--yes", db=db).returncode == 0
    Store.open(db).mark("c1", "c1d1", "p1", Mark.PRESENT)
    assert run_kuffert("check", db=db).returncode == 0


def test_backup_now_refuses_a_broken_file_in_words(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    _db(db)
    people = Store.open(db).db.layout.person_file("p1")
    people.write_text("[]")
    result = run_kuffert("backup", "--now", db=db)
    assert result.returncode == 1
    assert str(people) in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 3 MB file system, where the test may mount one (the people registry's 256
    files take a page each)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
            capture_output=True).returncode:
        pytest.skip("needs a tmpfs mount (root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_backup_that_does_not_fit_leaves_no_partial_folder(small_disk: Path) -> None:
    db = small_disk / "k.json"
    store = _db(db)
    store.people.add_many([
        Person(id=f"x{n}", name="Deltager " + "æ" * 40, role=Role.EMPLOYEE,
               qualification=Qualification.UNSKILLED) for n in range(1500)])
    with pytest.raises(NoRoom) as refused, store.db.locked():
        backup.create(store.db.layout, mode=store.db.mode)
    assert "MB" in str(refused.value) and "needs" in str(refused.value)
    leftovers = [p.name for p in store.db.layout.backups.iterdir()]
    assert not any(name.endswith(".partial") for name in leftovers), leftovers
    result = run_kuffert("backup", "--now", db=db)
    assert result.returncode == 1 and "room" in result.stderr
    # A change that does not fit is refused in words, and the database stays whole.
    with pytest.raises(DiskFull):
        store.people.add_many([
            Person(id=f"y{n}", name="Deltager " + "ø" * 40, role=Role.EMPLOYEE,
                   qualification=Qualification.UNSKILLED) for n in range(3000)])
    assert Store.open(db).people.count() == 1501
    assert run_kuffert("check", db=db).returncode == 0


def test_a_days_backup_copies_only_what_changed_and_owns_its_files(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    _db(db)
    Store.open(db).mark("c1", "c1d1", "p1", Mark.PRESENT)  # the first backup
    settle()
    store = Store.open(db)
    _age_backups(store, 1)
    Store.open(db).mark("c2", "c2d1", "p1", Mark.ABSENT)  # the next day's backup
    settle()
    older, newer = backup.list_backups(store.db.layout)

    def inode(b: backup.Backup, rel: str) -> int:
        return (b.path / rel).stat().st_ino

    # A backup is taken before the day's first change: the first mark (c1) came after
    # the older one and before the newer one; c2's mark came after both.
    people = str(store.db.layout.person_file("p1").relative_to(tmp_path))
    for rel in ("k.d/courses/c2.json", people, "k.json"):
        assert inode(older, rel) == inode(newer, rel), rel  # one file, shared
    assert inode(older, "k.d/courses/c1.json") != inode(newer, "k.d/courses/c1.json")
    # No backup shares a file with the live database, so an editor writing a live file
    # in place cannot change a backup.
    live = {p.stat().st_ino for p in store.db.layout.data_files()}
    assert not live & {(b.path / rel).stat().st_ino for b in (older, newer)
                       for rel in backup.backup_files(b.path)}
