"""The day's backup is begun by the day's first change and finished beside the work: it
holds the database as it was before that change, whatever is written meanwhile, and a
Kuffert killed before finishing it leaves it for the next one."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_kuffert
from tui.domain.courses import Course, Enrolment, Mark, Session
from tui.domain.people import Person, Qualification, Role
from tui.domain.programmes import Programme
from tui.store import backup, daily_backup
from tui.store.layout import Layout
from tui.store.store import Store

# Killed the moment its change is saved, before it begins to finish the backup (the
# fault is injected where the crash tests inject theirs: at a step of the write).
FIRST_MARK_THEN_KILLED = r"""
import os, signal, sys
from pathlib import Path
from tui.domain.courses import Mark
from tui.store import daily_backup
from tui.store.store import Store
daily_backup.Finisher.start = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
Store.open(Path(sys.argv[1])).mark("c1", "c1d1", "p1", Mark.ABSENT)
"""


def _person(pid: str, name: str) -> Person:
    return Person(id=pid, name=name, role=Role.EMPLOYEE, qualification=Qualification.OTHER)


def _build(db: Path) -> Store:
    store = Store.open(db)
    with store.transaction():
        store.programmes.add(Programme(id="prog", name="Program"))
        store.people.add_many([_person(f"p{n}", f"Person {n}") for n in range(1, 9)])
        for cid in ("c1", "c2", "c3"):
            store.courses.add(Course(id=cid, programme_id="prog", name=cid))
            store.sessions(cid).add(Session(id=f"{cid}d1", course_id=cid,
                                            date=dt.date(2026, 3, 2)))
            for n in range(1, 5):
                store.enrolments(cid).add(Enrolment(course_id=cid, person_id=f"p{n}"))
    store.mark("c1", "c1d1", "p1", Mark.PRESENT)  # yesterday's backup is begun here
    daily_backup.settle()
    for found in backup.list_backups(store.db.layout):  # ... and a day passes
        older = found.taken - dt.timedelta(days=1)
        found.path.rename(found.path.with_name(older.strftime("%Y-%m-%dT%H%M%S")))
    return store


def _files(layout: Layout, root: Path) -> dict[str, bytes]:
    base = layout.main.parent
    return {str(p.relative_to(base)): p.read_bytes() for p in layout.data_files()} \
        if root == base else {str(rel): (root / rel).read_bytes()
                              for rel in backup.backup_files(root)}


def test_the_days_backup_is_the_state_before_the_first_change_whatever_follows(
        tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    store = _build(db)
    layout = store.db.layout
    before = _files(layout, tmp_path)
    yesterday = [b.name for b in backup.list_backups(layout)]

    # The day's first change, by a Kuffert killed as soon as its change is saved.
    killed = subprocess.run([sys.executable, "-c", FIRST_MARK_THEN_KILLED, str(db)])
    assert killed.returncode == -signal.SIGKILL
    assert Store.open(db).attendance("c1").get("c1d1.p1").mark is Mark.ABSENT
    (pending,) = daily_backup.pendings(layout)  # begun, and holding the changed files
    assert (pending / "k.d" / "courses" / "c1.json").read_bytes() == before[
        "k.d/courses/c1.json"]

    # Work goes on before anyone finishes the backup: every kind of file is replaced,
    # made and removed.
    store = Store.open(db)
    store.mark("c1", "c1d1", "p2", Mark.PRESENT)
    with store.transaction():
        store.courses.add(Course(id="c4", programme_id="prog", name="New"))
        store.sessions("c4").add(Session(course_id="c4", date=dt.date(2026, 4, 1)))
    store.delete_course("c3")
    renamed = store.people.get("p3")
    renamed.name = "Renamed"
    store.people.save(renamed)
    store.people.add_many([_person(f"n{n}", f"New {n}") for n in range(20)])
    store.erase_person("p4")
    daily_backup.settle()

    # The next Kuffert to write finishes it.
    with Store.open(db).transaction():
        pass
    daily_backup.settle()
    assert daily_backup.pendings(layout) == []
    (today,) = [b for b in backup.list_backups(layout) if b.name not in yesterday]
    assert _files(layout, today.path) == before
    # It owns its files: an editor writing a live file in place cannot reach into it.
    live = {p.stat().st_ino for p in layout.data_files()}
    assert not live & {(today.path / rel).stat().st_ino
                       for rel in backup.backup_files(today.path)}
    assert run_kuffert("check", db=db).returncode == 0
    # And it restores to that state.
    assert run_kuffert("restore", today.name, "--yes", db=db).returncode == 0
    # (And the erasure log, which a restore keeps: it erases again who was erased since.)
    assert _files(layout, tmp_path).keys() == {*before, "k.d/people/erasures.json"}
    restored = Store.open(db)
    assert restored.people.get("p3").name == "Person 3"
    assert restored.people.find("p4") is None  # erased since: erased again
    assert restored.courses.find("c3") is not None and restored.courses.find("c4") is None


def test_the_day_has_one_backup_however_many_write(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    layout = _build(db).db.layout
    count = len(backup.list_backups(layout))
    for n in range(3):
        Store.open(db).mark("c2", "c2d1", f"p{n + 1}", Mark.PRESENT)
    done = run_kuffert("erase", "p5", "--yes", db=db)
    assert done.returncode == 0, done.stderr
    daily_backup.settle()
    assert len(backup.list_backups(layout)) == count + 1
    assert daily_backup.pendings(layout) == []
    assert not os.path.lexists(layout.backups / ".new")
