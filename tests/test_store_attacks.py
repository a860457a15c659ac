"""What a review that attacked the store found, each kept out for good.

A group member can plant a link in the middle of a path (the `.d` or `courses` folder, a
folder inside a backup), a commit record, a second database beside the first, a course
id with a newline, a swapped `.d` folder, a thousand nested folders in the backups.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_kuffert
from tui.domain.courses import Course, Enrolment, Mark, Session
from tui.domain.people import Person, Qualification, Role
from tui.domain.programmes import Programme
from tui.store import backup
from tui.store.daily_backup import settle
from tui.store.database import BadCourseId
from tui.store.errors import StoreError
from tui.store.files import UnsafeFile
from tui.store.store import Store


def _db(folder: Path, name: str = "k.json") -> Path:
    db = folder / name
    store = Store.open(db)
    with store.transaction():
        store.programmes.add(Programme(id="prog", name="Initiativ 3"))
        store.people.add(Person(id="p1", name="Naja Lynge", role=Role.LEADER,
                                qualification=Qualification.PEDAGOGUE))
        for cid in ("c1", "c2"):
            store.courses.add(Course(id=cid, programme_id="prog", name=cid))
            store.sessions(cid).add(Session(id=f"{cid}d", course_id=cid,
                                            date=dt.date(2021, 8, 16)))
            store.enrolments(cid).add(Enrolment(id=f"{cid}p1", course_id=cid,
                                                person_id="p1"))
    return db


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """Someone's own folder outside the database, with files a link could reach."""
    folder = tmp_path / "victim"
    folder.mkdir()
    (folder / "thesis.json").write_text('{"secret": {"1": {"ssn": "0101-1234"}}}')
    (folder / "c1.json").write_text("{}")
    (folder / ".x.kuffert-tmp").write_text("mine")
    return folder


def _untouched(victim: Path) -> bool:
    return sorted(p.name for p in victim.iterdir()) == [".x.kuffert-tmp", "c1.json",
                                                        "thesis.json"]


def _link_courses_to(db: Path, victim: Path) -> None:
    courses = db.parent / "k.d" / "courses"
    shutil.rmtree(courses)
    courses.symlink_to(victim)


def test_a_linked_courses_folder_and_a_planted_commit_record_touch_nothing_outside(
        tmp_path: Path, victim: Path) -> None:
    db = _db(tmp_path / "db")
    _link_courses_to(db, victim)
    (db.parent / "k.commit").write_text(json.dumps({
        "format": "kuffert-commit-1",
        "steps": [["k.d/courses/thesis.json", None], ["k.d/courses/c1.json", None]]}))
    result = run_kuffert("check", db=db)
    assert result.returncode == 1 and "symbolic link" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    deleted = run_kuffert("erase", "p1", "--yes", db=db)
    assert deleted.returncode == 1 and "symbolic link" in deleted.stderr
    assert _untouched(victim)


def test_deleting_a_course_or_backing_up_never_reaches_through_a_linked_folder(
        tmp_path: Path, victim: Path) -> None:
    db = _db(tmp_path / "db")
    _link_courses_to(db, victim)
    with pytest.raises(UnsafeFile):
        Store.open(db).delete_course("c1")
    with pytest.raises(UnsafeFile):
        store = Store.open(db)
        with store.db.locked():
            backup.create(store.db.layout, mode=store.db.mode)
    copied = b"".join(p.read_bytes() for p in (db.parent / "k.backups").rglob("*")
                      if p.is_file()) if (db.parent / "k.backups").exists() else b""
    assert b"0101-1234" not in copied
    assert _untouched(victim)


def test_purging_backups_ignores_a_planted_backup_that_links_outside(
        tmp_path: Path, victim: Path) -> None:
    db = _db(tmp_path / "db")
    Store.open(db).mark("c1", "c1d", "p1", Mark.PRESENT)  # the day's backup
    settle()
    planted = db.parent / "k.backups" / "2020-01-01T000000"
    shutil.copytree(backup.list_backups(Store.open(db).db.layout)[-1].path, planted)
    shutil.rmtree(planted / "k.d" / "courses")
    (planted / "k.d" / "courses").symlink_to(victim)
    (planted / "k.commit").write_text(json.dumps({
        "format": "kuffert-commit-1", "steps": [["k.d/courses/thesis.json", None],
                                                ["k.d/courses/c1.json", None]]}))
    result = run_kuffert("erase", "p1", "--yes", "--purge-backups", db=db)
    assert result.returncode == 0, result.stderr
    assert _untouched(victim)


def test_two_databases_in_one_folder_keep_their_temp_files(tmp_path: Path) -> None:
    a = _db(tmp_path, "a.json")
    _db(tmp_path, "b.json")
    live = tmp_path / ".b.json.0123456789abcdef.kuffert-tmp"
    live.write_text("b's writer is half way through this")
    stale = tmp_path / ".a.json.0123456789abcdef.kuffert-tmp"
    stale.write_text("a's killed writer left this")
    store = Store.open(a)
    with store.transaction():
        pass
    assert live.exists() and not stale.exists()


def test_a_course_id_with_a_newline_is_no_id(tmp_path: Path) -> None:
    store = Store.open(_db(tmp_path))
    with pytest.raises(BadCourseId):
        store.db.course_file("evil\n")


SLOW_WRITER = r"""
import sys, time
from pathlib import Path
from tui.store.store import Store
store = Store.open(Path(sys.argv[1]))
try:
    with store.transaction():
        person = store.people.get("p1")
        print("holding", flush=True)
        sys.stdin.readline()
        person.email = "slow@example.gl"
        store.people.save(person)
    print("saved", flush=True)
except Exception as error:
    print("refused:", error, flush=True)
"""


def test_a_swapped_data_folder_does_not_let_two_writers_both_commit(tmp_path: Path) -> None:
    db = _db(tmp_path)
    slow = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(db)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert slow.stdout is not None and slow.stdin is not None
    assert slow.stdout.readline().strip() == "holding"
    folder = tmp_path / "k.d"
    folder.rename(tmp_path / "k.d.away")
    shutil.copytree(tmp_path / "k.d.away", folder)
    fast = Store.open(db, lock_timeout=5)
    person = fast.people.get("p1")
    person.phone = "+299 32 11 00"
    fast.people.save(person)  # the new folder's lock is free
    slow.stdin.write("go\n")
    slow.stdin.flush()
    said = slow.stdout.readline()
    slow.wait(timeout=60)
    assert said.startswith("refused:") and "moved or replaced" in said, said
    stored = Store.open(db).people.get("p1")
    assert stored.phone == "+299 32 11 00" and stored.email != "slow@example.gl"


def test_a_thousand_nested_folders_in_the_backups_are_not_followed(tmp_path: Path) -> None:
    db = _db(tmp_path)
    deep = tmp_path / "k.backups" / "2020-01-01T000000"
    deep.mkdir(parents=True)
    where = os.getcwd()
    os.chdir(deep)
    try:
        for _ in range(1100):
            os.mkdir("a")
            os.chdir("a")
    finally:
        os.chdir(where)
    try:
        result = run_kuffert("backup", db=db)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        Store.open(db).mark("c1", "c1d", "p1", Mark.PRESENT)  # the day's backup, pruning
        settle()
    finally:
        # Taken down from the bottom: a recursive removal (pytest's too) would overflow.
        levels = [deep]
        for _ in range(1100):
            levels.append(levels[-1] / "a")
        for level in reversed(levels):
            with contextlib.suppress(FileNotFoundError):
                os.rmdir(level)


def test_a_planted_manifest_does_not_switch_the_backups_off(tmp_path: Path) -> None:
    db = _db(tmp_path)
    Store.open(db).mark("c1", "c1d", "p1", Mark.PRESENT)
    settle()
    (only,) = backup.list_backups(Store.open(db).db.layout)
    older = only.path.with_name("2020-01-01T000000")
    only.path.rename(older)
    (older / ".manifest").unlink()
    (older / ".manifest").symlink_to("/etc/hostname")
    Store.open(db).mark("c2", "c2d", "p1", Mark.PRESENT)
    settle()
    assert len(backup.list_backups(Store.open(db).db.layout)) == 2


def test_check_names_a_backups_folder_that_is_not_a_folder(tmp_path: Path) -> None:
    db = _db(tmp_path)
    shutil.rmtree(tmp_path / "k.backups", ignore_errors=True)
    os.mkfifo(tmp_path / "k.backups")
    result = run_kuffert("check", db=db)
    assert result.returncode == 1 and "k.backups is a named pipe" in result.stderr


def test_a_commit_whose_prepared_file_vanished_is_not_called_finished(tmp_path: Path) -> None:
    from tui.store import commit

    db = _db(tmp_path)
    store = Store.open(db)
    layout = store.db.layout
    steps = commit.prepare([(layout.person_file("p1"), b'{"people": {}}', 0o600),
                            (layout.course("c1"), b'{"sessions": {}}', 0o600)], [])
    (layout.commit).write_bytes(commit._encode(layout, steps))
    assert steps[0].temp is not None
    steps[0].temp.unlink()  # removed by someone before the change was put in place
    with pytest.raises(StoreError) as refused:
        Store.open(db).people.all()
        with Store.open(db).transaction():
            pass
    assert "cannot be finished" in str(refused.value)


def test_a_file_planted_deep_in_a_backup_is_not_restored_as_a_course(tmp_path: Path) -> None:
    db = _db(tmp_path)
    Store.open(db).mark("c1", "c1d", "p1", Mark.PRESENT)
    settle()
    (only,) = backup.list_backups(Store.open(db).db.layout)
    (only.path / "k.d" / "planted").mkdir()
    (only.path / "k.d" / "planted" / "evil.json").write_text('{"sessions": {}}')
    assert run_kuffert("restore", only.name, "--yes", db=db).returncode == 0
    assert not (tmp_path / "k.d" / "courses" / "evil.json").exists()
    assert run_kuffert("check", db=db).returncode == 0


def test_outputs_named_like_temp_files_or_in_the_backups_are_refused_in_words(
        tmp_path: Path) -> None:
    db = _db(tmp_path)
    Store.open(db).mark("c1", "c1d", "p1", Mark.PRESENT)
    temp_like = tmp_path / ".k.json.0123456789abcdef.kuffert-tmp"
    result = run_kuffert("export", "people", "--out", str(temp_like), db=db)
    assert result.returncode != 0 and "temporary files" in result.stderr
    in_backups = tmp_path / "k.backups" / "x.csv"
    result = run_kuffert("export", "people", "--out", str(in_backups), db=db)
    assert result.returncode != 0 and "k.backups" in result.stderr, result.stderr
